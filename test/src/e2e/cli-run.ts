import type { dlqCommand, stagesCommand } from "@loginguard/cli";

/** What a CLI command printed (lines, and the progress stream), and its exit code. */
export async function runCli(
  command: typeof dlqCommand | typeof stagesCommand,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string; progress: string }> {
  const out: string[] = [];
  const err: string[] = [];
  let progress = "";
  const stream = {
    write(chunk: string) {
      progress += chunk;
      return true;
    },
    isTTY: false,
  } as unknown as NodeJS.WritableStream;
  const code = await command(args, {
    env,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    progress: stream,
  });
  return { code, out: out.join("\n"), err: err.join("\n"), progress };
}
