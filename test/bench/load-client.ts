import { createInterface } from "node:readline";
import type { LoginsCommand, LoginsResult } from "./load-child.ts";
import { type Child, spawnReady } from "./procs.ts";

/** The load generator process: one command at a time. */
export class LoadClient {
  readonly #results: Array<(line: string) => void> = [];

  private constructor(readonly child: Child) {
    createInterface({ input: child.process.stdout! }).on("line", (line) => {
      if (line.startsWith("RESULT ")) this.#results.shift()?.(line.slice(7));
    });
  }

  static async start(): Promise<LoadClient> {
    return new LoadClient(await spawnReady("load", "./load-child.ts", {}));
  }

  /** Runs one batch of logins; rejects when the child dies first. */
  run(command: Omit<LoginsCommand, "cmd">): Promise<LoginsResult> {
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error(`load generator exited:\n${this.child.output().slice(-2000)}`));
      this.child.process.once("exit", onExit);
      this.#results.push((line) => {
        this.child.process.off("exit", onExit);
        resolve(JSON.parse(line) as LoginsResult);
      });
      this.child.process.stdin!.write(`${JSON.stringify({ cmd: "logins", ...command })}\n`);
    });
  }

  async stop(): Promise<void> {
    this.child.process.stdin!.write(`${JSON.stringify({ cmd: "exit" })}\n`);
    await this.child.stop(5_000);
  }
}
