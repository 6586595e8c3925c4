import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { LoginGuardError } from "@loginguard/errors";

/** The lock file in an embedded data directory; holds the owning process's pid. */
export const LOCK_FILE = "loginguard.lock";

/** Another live process owns the data directory (non-retryable: stop it, or use another DATA_DIR). */
export class DataDirLockedError extends LoginGuardError {
  readonly pid: number;
  readonly dataDir: string;

  constructor(dataDir: string, pid: number) {
    super(
      `data directory ${dataDir} is in use by process ${pid} (see ${join(dataDir, LOCK_FILE)}); ` +
        "only one process may open the embedded database: stop that process, or talk to it through its admin API",
      { code: "data_dir_locked", retryable: false, context: { dataDir, pid } },
    );
    this.name = "DataDirLockedError";
    this.pid = pid;
    this.dataDir = dataDir;
  }
}

/** A held lock on a data directory. */
export interface DataDirLock {
  readonly path: string;
  /** True when the previous owner had died without releasing the lock. */
  readonly tookOver: boolean;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

/** Directories this process holds, so a second open in the same process fails like any other. */
const held = new Set<string>();

/**
 * Takes `${dataDir}/loginguard.lock`, creating the directory. The pid is written to a temporary
 * file first and hard-linked into place, so the lock appears atomically and always complete.
 * A lock whose process is alive throws {@link DataDirLockedError}; a lock whose process is dead
 * (or is this pid, left by an earlier process whose pid was reused, as happens in containers) is
 * taken over. Released on `release()` and on normal process exit.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  if (held.has(path)) throw new DataDirLockedError(dataDir, process.pid);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${process.pid}\n`);
  let tookOver = false;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(temp, path);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 5) throw err;
      }
      const owner = readOwner(path);
      if (owner === undefined) continue; // released meanwhile
      if (owner !== process.pid && isAlive(owner)) throw new DataDirLockedError(dataDir, owner);
      removeStaleLock(path, owner);
      tookOver = true;
    }
  } finally {
    rmSync(temp, { force: true });
  }
  held.add(path);
  const release = (): void => {
    if (!held.delete(path)) return;
    process.off("exit", release);
    if (readOwner(path) === process.pid) rmSync(path, { force: true });
  };
  process.on("exit", release);
  return { path, tookOver, release };
}

/** The pid in a lock file; undefined when there is no file; NaN-safe (garbage reads as pid 0). */
function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * Removes a dead owner's lock. Renamed aside first, then checked: when two processes race to take
 * over, the loser may have renamed the winner's fresh lock, and puts it back.
 */
function removeStaleLock(path: string, deadOwner: number): void {
  const aside = `${path}.stale.${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  if (readOwner(aside) !== deadOwner) {
    try {
      linkSync(aside, path);
    } catch {
      // someone else holds it now; the next attempt reads them
    }
  }
  unlinkSync(aside);
}

/**
 * Whether `pid` is a live process. `kill(pid, 0)` first (EPERM: exists under another user); on
 * Linux, /proc then rules out what kill(2) also answers for: a zombie, and a thread id (after a
 * container restart, a stale lock's pid can be a thread of an unrelated process, or of this one).
 */
export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch (err) {
    // Gone since kill(2) answered; or no /proc on this system: trust kill(2).
    return !((err as NodeJS.ErrnoException).code === "ENOENT" && existsSync("/proc/self/status"));
  }
  const state = /^State:\s+(\S)/m.exec(status)?.[1];
  const tgid = /^Tgid:\s+(\d+)/m.exec(status)?.[1];
  if (state === "Z" || state === "X") return false;
  return tgid === undefined || Number(tgid) === pid;
}
