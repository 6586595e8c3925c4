import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A child running one of the scripts in this folder under tsx, with its stdout split in lines. */
export interface Child {
  process: ChildProcess;
  pid: number;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the first line matching, rejects when the child exits first. */
  waitFor(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** SIGKILL, then waits for the exit. */
  kill9(): Promise<void>;
}

/** Starts `node --import tsx children/<script>.ts dataDir`. */
export function spawnChild(script: "hold" | "insert", dataDir: string): Child {
  const file = fileURLToPath(new URL(`./${script}.ts`, import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", file, dataDir], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  let partial = "";
  const waiters = new Set<() => void>();
  child.stdout?.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", () => {
    for (const wake of waiters) wake();
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  return {
    process: child,
    pid: child.pid,
    lines,
    waitFor(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`timed out; stderr: ${stderr}`)), timeoutMs);
        const check = (): void => {
          const line = lines.find(match);
          if (line !== undefined) done(undefined, line);
          else if (child.exitCode !== null || child.signalCode !== null) {
            done(new Error(`child exited (${child.exitCode ?? child.signalCode}); stderr: ${stderr}`));
          }
        };
        const done = (err?: Error, line?: string): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve(line ?? "");
        };
        waiters.add(check);
        check();
      });
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
