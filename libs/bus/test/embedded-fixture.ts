import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Database, SqlClient } from "@loginguard/db";
import type { BusRecord, OutgoingRecord } from "../src/bus";

/** A record whose header `n` and JSON value carry a number. */
export function numbered(topic: string, key: string | null, n: number): OutgoingRecord {
  return { topic, key, value: Buffer.from(JSON.stringify({ n, key })), headers: { n: String(n) } };
}

export const numberOf = (r: BusRecord): number => Number(r.headers.n);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Collects what handlers see; `until` resolves when a predicate over it holds. */
export function collector() {
  const seen: BusRecord[] = [];
  const waiters = new Set<() => void>();
  return {
    seen,
    add(records: BusRecord[]): void {
      seen.push(...records);
      for (const wake of [...waiters]) wake();
    },
    until(pred: () => boolean, timeoutMs = 30_000): Promise<void> {
      if (pred()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pred()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; saw ${seen.length} records`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
  };
}

/** A child process running a script of test/fixtures under tsx, its stdout split in lines. */
export interface Child {
  readonly pid: number;
  readonly lines: string[];
  /** Resolves once `match` holds for the lines so far; rejects when the child exits first. */
  waitFor(match: (lines: string[]) => boolean, timeoutMs?: number): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill9(): Promise<void>;
}

/** Starts `node --import tsx test/fixtures/<script>.ts ...args` in the package directory. */
export function spawnFixture(script: string, args: string[]): Child {
  const file = fileURLToPath(new URL(`./fixtures/${script}.ts`, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", file, ...args], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  const lines: string[] = [];
  let partial = "";
  let stderr = "";
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const w of [...wakers]) w();
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    wake();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", wake);
  return {
    pid: child.pid,
    lines,
    waitFor(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (match(lines)) finish();
          else if (child.exitCode !== null || child.signalCode !== null) {
            finish(new Error(`child exited (${child.exitCode ?? child.signalCode}); stderr: ${stderr}`));
          }
        };
        const finish = (err?: Error) => {
          clearTimeout(timer);
          wakers.delete(check);
          if (err) reject(err);
          else resolve();
        };
        const timer = setTimeout(() => finish(new Error(`timed out; stderr: ${stderr}`)), timeoutMs);
        wakers.add(check);
        check();
      });
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** A Database whose statements fail while `failing` is set (the database "goes away"). */
export function faultyDatabase(db: Database): { db: Database; setFailing(on: boolean): void } {
  let failing = false;
  const fail = () => Promise.reject(Object.assign(new Error("connection terminated"), { code: "08006" }));
  const sql: SqlClient = {
    kind: db.sql.kind,
    query: <R>(text: string, params?: unknown[]) => (failing ? fail() : db.sql.query<R>(text, params)),
    exec: (text) => (failing ? fail() : db.sql.exec(text)),
    transaction: (fn) => (failing ? fail() : db.sql.transaction(fn)),
  };
  return {
    db: { kind: db.kind, sql, drizzle: db.drizzle, close: () => db.close() },
    setFailing(on) {
      failing = on;
    },
  };
}
