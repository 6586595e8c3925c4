import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { testEnv } from "./env";
import { freePort } from "./free-port";

const execFileAsync = promisify(execFile);

/** A PostgreSQL server for tests. */
export interface PostgresServer {
  /** `postgres://app@127.0.0.1:PORT/postgres` (trust auth, superuser `app`). */
  readonly url: string;
  readonly port: number;
  /** Creates an empty database (random name unless given) and answers its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Fast shutdown, then removes the directory. A no-op for a shared server. */
  stop(): Promise<void>;
}

/** Options for {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
  /** Milliseconds to wait for "ready to accept connections"; default 30 000. */
  timeoutMs?: number;
  /**
   * Keep the server's files here (created, or reused when it holds a cluster already) instead of a
   * temporary directory; `stop()` leaves it in place. For `loginguard dev up --data`.
   */
  dir?: string;
}

const DIR_PREFIX = "loginguard-pg-";
const OWNER_FILE = "owner.pid";

/** Settings that trade durability for speed: a test server holds nothing worth keeping. */
const FAST_SETTINGS: Record<string, string | number> = {
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  autovacuum: "off",
  max_connections: 200,
  shared_buffers: "32MB",
  max_wal_size: "1GB",
  log_min_messages: "warning",
  log_connections: "off",
};

/** Servers this process started and has not stopped yet; stopped synchronously on exit. */
const running = new Map<string, RunningServer>();

interface RunningServer {
  dir: string;
  /** Leave `dir` in place when stopped. */
  keep: boolean;
  dataDir: string;
  child: ChildProcess;
  owner: ProcessOwner;
}

interface ProcessOwner {
  uid?: number;
  gid?: number;
}

/**
 * Starts a throw-away PostgreSQL 15 (Debian binaries, `testEnv.postgresBin`) on 127.0.0.1 and a
 * free port, in a temporary directory with its unix socket inside. As root, `initdb` and the
 * server run as the `postgres` user (initdb refuses root). Durability settings are off for speed.
 * Stopped and removed by `stop()`, or on process exit; directories left by a killed test process
 * are cleaned up by the next start.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  cleanUpAbandoned();
  const owner = serverOwner();
  const keep = options.dir !== undefined;
  const dir = options.dir ?? mkdtempSync(join(testEnv.tmpRoot, DIR_PREFIX));
  if (keep) mkdirSync(dir, { recursive: true });
  else writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  const dataDir = join(dir, "data");
  const socketDir = join(dir, "socket");
  mkdirSync(socketDir, { recursive: true });
  if (owner.uid !== undefined) {
    chownSync(dir, owner.uid, owner.gid ?? owner.uid);
    chownSync(socketDir, owner.uid, owner.gid ?? owner.uid);
  }
  try {
    if (!existsSync(join(dataDir, "PG_VERSION")))
      await execFileAsync(
        bin("initdb"),
        ["-D", dataDir, "-A", "trust", "-U", "app", "--no-sync", "-E", "UTF8", "--no-locale"],
        { ...owner, cwd: dir },
      );
    // A port picked by binding 0 can be taken by someone else before postgres binds it: retry.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await startServer({ dir, dataDir, socketDir, port, owner, options, keep });
      if (started.ok) return handle(port, started.server);
      if (!started.portTaken || attempt >= 5) throw new Error(`PostgreSQL did not start: ${started.log}`);
    }
  } catch (err) {
    if (!keep) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * A handle on a server started elsewhere (e.g. by {@link postgresGlobalSetup}): `createDatabase`
 * works, `stop()` does nothing.
 */
export function connectPostgres(url: string): PostgresServer {
  const port = Number(new URL(url).port);
  return { url, port, createDatabase: (name) => createDatabaseAt(port, name), stop: async () => {} };
}

/** The key under which {@link postgresGlobalSetup} provides the shared server's URL. */
export const SHARED_POSTGRES_KEY = "loginguardPostgresUrl";

/** What vitest passes to a global setup function (only the part used here). */
export interface GlobalSetupContext {
  provide(key: string, value: unknown): void;
}

/**
 * For vitest `globalSetup`: starts ONE server for the whole run and provides its URL to every test
 * file, where {@link usePostgres} picks it up. Answers the teardown. Re-export it from a file
 * listed in `test.globalSetup`: `export { postgresGlobalSetup as setup } from "@loginguard/testing/postgres"`.
 */
export async function postgresGlobalSetup(context: GlobalSetupContext): Promise<() => Promise<void>> {
  const server = await startPostgres();
  context.provide(SHARED_POSTGRES_KEY, server.url);
  return () => server.stop();
}

/**
 * In a test file: the run's shared server when a global setup provided one, else a server of
 * this file's own. Call `stop()` in `afterAll` either way (a no-op for the shared one).
 */
export async function usePostgres(): Promise<PostgresServer> {
  const { inject } = await import("vitest");
  const url = (inject as (key: string) => unknown)(SHARED_POSTGRES_KEY);
  return typeof url === "string" ? connectPostgres(url) : startPostgres();
}

function handle(port: number, server: RunningServer): PostgresServer {
  const url = `postgres://app@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    createDatabase: (name) => createDatabaseAt(port, name),
    stop: () => stopServer(server),
  };
}

async function createDatabaseAt(port: number, name = `t_${randomBytes(6).toString("hex")}`): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name ${JSON.stringify(name)}`);
  await execFileAsync(bin("psql"), [
    "-X",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-U",
    "app",
    "-d",
    "postgres",
    "-c",
    `CREATE DATABASE "${name}"`,
  ]);
  return `postgres://app@127.0.0.1:${port}/${name}`;
}

type StartResult = { ok: true; server: RunningServer } | { ok: false; portTaken: boolean; log: string };

async function startServer(args: {
  dir: string;
  dataDir: string;
  socketDir: string;
  port: number;
  owner: ProcessOwner;
  options: StartPostgresOptions;
  keep: boolean;
}): Promise<StartResult> {
  const { dir, dataDir, socketDir, port, owner, options, keep } = args;
  const logFile = join(dir, `postgres-${port}.log`);
  const logFd = openSync(logFile, "w");
  if (owner.uid !== undefined) chownSync(logFile, owner.uid, owner.gid ?? owner.uid);
  const settings = { ...FAST_SETTINGS, ...options.settings };
  const argv = ["-D", dataDir, "-p", String(port), "-h", "127.0.0.1", "-k", socketDir];
  for (const [name, value] of Object.entries(settings)) argv.push("-c", `${name}=${value}`);
  // log_min_messages=warning hides the LOG line announcing readiness, so readiness is asked with pg_isready.
  const child = spawn(bin("postgres"), argv, { ...owner, cwd: dir, stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);
  child.unref(); // never keeps a test process alive; the exit hook stops it
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const server: RunningServer = { dir, dataDir, child, owner, keep };
  running.set(dir, server);
  ensureExitHook();
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited) break;
    if (await isReady(port)) return { ok: true, server };
    await sleep(25);
  }
  running.delete(dir);
  if (!exited) {
    child.kill("SIGQUIT");
    await new Promise((resolve) => child.once("exit", resolve));
  }
  const log = readFileSync(logFile, "utf8").trim().split("\n").slice(-10).join("\n");
  return { ok: false, portTaken: /could not bind|address already in use/i.test(log), log };
}

async function isReady(port: number): Promise<boolean> {
  try {
    await execFileAsync(bin("pg_isready"), [
      "-q",
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-U",
      "app",
      "-d",
      "postgres",
    ]);
    return true;
  } catch {
    return false;
  }
}

async function stopServer(server: RunningServer): Promise<void> {
  if (!running.has(server.dir)) return;
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    child.ref(); // keep this process alive until the server is gone
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT"); // fast shutdown: disconnect clients, no waiting
    await exited;
  }
  running.delete(server.dir);
  if (!server.keep) rmSync(server.dir, { recursive: true, force: true });
}

let exitHookInstalled = false;

function ensureExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const server of running.values())
      stopSync(server.dataDir, server.keep ? undefined : server.dir, server.owner);
  });
}

/** Immediate shutdown that waits for the postmaster to go (pg_ctl -w), then removes `dir` if given. */
function stopSync(dataDir: string, dir: string | undefined, owner: ProcessOwner): void {
  try {
    if (existsSync(join(dataDir, "postmaster.pid"))) {
      execFileSync(bin("pg_ctl"), ["stop", "-D", dataDir, "-m", "immediate", "-w", "-t", "10"], {
        ...owner,
        stdio: "ignore",
      });
    }
  } catch {
    // already gone
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Removes fixture directories (and stops their servers) whose owning test process is dead. */
function cleanUpAbandoned(): void {
  let entries: string[];
  try {
    entries = readdirSync(testEnv.tmpRoot).filter((name) => name.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = join(testEnv.tmpRoot, name);
    let pid: number;
    try {
      pid = Number(readFileSync(join(dir, OWNER_FILE), "utf8"));
    } catch {
      continue; // being created right now, or not ours
    }
    if (pid > 0 && !isAlive(pid)) stopSync(join(dir, "data"), dir, serverOwner());
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

let cachedOwner: ProcessOwner | undefined;

/** As root: the `postgres` user's uid/gid (initdb and postgres refuse root). Otherwise: ourselves. */
function serverOwner(): ProcessOwner {
  if (cachedOwner) return cachedOwner;
  if (process.getuid?.() !== 0) {
    cachedOwner = {};
    return cachedOwner;
  }
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (!uid || !gid)
    throw new Error("running as root but there is no postgres user (install the postgresql package)");
  cachedOwner = { uid: Number(uid), gid: Number(gid) };
  return cachedOwner;
}

function bin(name: string): string {
  return join(testEnv.postgresBin, name);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
