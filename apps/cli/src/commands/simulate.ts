import { processEnv } from "../env";
import { runLabelled } from "../simulate/labelled/run-labelled";
import { parseSimulateArgs, SIMULATE_USAGE, type SimulateOptions, UsageError } from "../simulate/options";
import { runSimulation } from "../simulate/run";
import type { CommandIo } from "./topics";

/**
 * `loginguard simulate` (docs/ARCHITECTURE.md section 9): realistic traffic against a running instance over
 * HTTP, acting as the game server that receives its webhooks. Returns the exit code: 0 every
 * login accepted and every expectation met, 1 otherwise or when the run could not start, 2 bad usage.
 */
export async function simulateCommand(args: string[], io: CommandIo = {}): Promise<number> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  let options: SimulateOptions | "help";
  try {
    options = parseSimulateArgs(args, io.env ?? processEnv());
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${e.message}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  if (options === "help") {
    out(SIMULATE_USAGE);
    return 0;
  }
  try {
    if (options.labelled) {
      const labelled = await runLabelled(options, { out, err });
      return labelled.failed.length === 0 ? 0 : 1;
    }
    const report = await runSimulation(options, { out, err, printWebhooks: !options.quiet });
    return report.problems.length === 0 ? 0 : 1;
  } catch (e) {
    err(`simulate: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
