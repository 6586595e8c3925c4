import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A child process started with tsx that printed `READY <detail>`. */
export interface Child {
  name: string;
  pid: number;
  /** What followed READY (a URL, usually). */
  detail: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Runs `script` (a path next to this file) under tsx with `env` added; resolves once it is READY. */
export async function spawnReady(
  name: string,
  script: string,
  env: Record<string, string>,
  options: { timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<Child> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", path], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const detail = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} not ready after ${timeoutMs} ms:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^READY (.*)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.trim());
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${output.slice(-2000)}`));
    });
  });
  return {
    name,
    pid: child.pid!,
    detail,
    process: child,
    output: () => output,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size of a process in MB (from /proc), or NaN when it is gone. */
export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds (user + system) a process has used so far (from /proc), or NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** Samples processes' RSS every 250 ms and keeps each one's peak (MB). */
export class RssSampler {
  readonly #peak = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: ReadonlyArray<{ name: string; pid: number }>) {}

  start(): this {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), 250);
    return this;
  }

  stop(): Map<string, number> {
    clearInterval(this.#timer);
    this.#sample();
    return new Map(this.#peak);
  }

  #sample(): void {
    for (const { name, pid } of this.pids) {
      const mb = rssMb(pid);
      if (!Number.isNaN(mb)) this.#peak.set(name, Math.max(this.#peak.get(name) ?? 0, mb));
    }
  }
}

/** Every live process whose ancestry includes `root` (not `root` itself), with its command name. */
export function descendants(root: number): Array<{ pid: number; comm: string }> {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      comm.set(pid, stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")));
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const result: Array<{ pid: number; comm: string }> = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        result.push({ pid, comm: comm.get(pid) ?? "?" });
        break;
      }
    }
  }
  return result;
}

/**
 * CPU seconds per command name over all descendants of this process between `start()` and
 * `stop()` (processes started meanwhile count from zero): where the machine's CPU went, the
 * Kafka nodes and PostgreSQL included.
 */
export class TreeCpu {
  #start = new Map<number, number>();
  #self = process.cpuUsage();

  /** `names`: what to call known processes (others go by their command name). */
  constructor(private readonly names: ReadonlyArray<{ name: string; pid: number }> = []) {}

  start(): this {
    this.#start = new Map(descendants(process.pid).map(({ pid }) => [pid, cpuSeconds(pid)]));
    this.#self = process.cpuUsage();
    return this;
  }

  stop(): Map<string, number> {
    const named = new Map(this.names.map((n) => [n.pid, n.name]));
    const used = process.cpuUsage(this.#self);
    const byName = new Map<string, number>([["this process", (used.user + used.system) / 1e6]]);
    for (const { pid, comm } of descendants(process.pid)) {
      const seconds = cpuSeconds(pid) - (this.#start.get(pid) ?? 0);
      const name = named.get(pid) ?? comm;
      if (Number.isFinite(seconds)) byName.set(name, (byName.get(name) ?? 0) + seconds);
    }
    return byName;
  }
}

/**
 * Starts several children at once; if any fails, stops those that started and rethrows, so
 * no process is left behind.
 */
export async function spawnAll(starts: Array<() => Promise<Child>>): Promise<Child[]> {
  const settled = await Promise.allSettled(starts.map((start) => start()));
  const started = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(started.map((c) => c.stop()));
    throw failed.reason;
  }
  return started;
}
