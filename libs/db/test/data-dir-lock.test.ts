import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireDataDirLock, DataDirLockedError, isAlive, LOCK_FILE } from "../src/data-dir-lock";

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "0"]);
  return child.pid ?? 999_999;
}

describe("data directory lock", () => {
  let dir: string;
  let lockPath: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "loginguard-lock-"));
    lockPath = join(dir, LOCK_FILE);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the directory, writes this pid, and removes the file on release", () => {
    const nested = join(dir, "a", "b");
    const lock = acquireDataDirLock(nested);
    expect(readFileSync(join(nested, LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
    expect(lock.tookOver).toBe(false);
    lock.release();
    lock.release();
    expect(existsSync(join(nested, LOCK_FILE))).toBe(false);
    expect(readdirSync(nested)).toEqual([]);
  });

  it("refuses a live owner, naming its pid and the directory", () => {
    writeFileSync(lockPath, `${process.ppid}\n`);
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(dir)).toThrow(
      `data directory ${dir} is in use by process ${process.ppid}`,
    );
    expect(readFileSync(lockPath, "utf8")).toBe(`${process.ppid}\n`);
  });

  it("refuses a second acquire in the same process", () => {
    const lock = acquireDataDirLock(dir);
    try {
      expect(() => acquireDataDirLock(dir)).toThrow(`in use by process ${process.pid}`);
    } finally {
      lock.release();
    }
  });

  it.each([
    ["a dead pid", () => `${deadPid()}\n`],
    ["garbage", () => "not a pid"],
    ["an empty file", () => ""],
    ["this pid, left by an earlier process that had the same pid", () => `${process.pid}\n`],
  ])("takes over a lock holding %s", (_, content) => {
    writeFileSync(lockPath, content());
    const lock = acquireDataDirLock(dir);
    expect(lock.tookOver).toBe(true);
    expect(readFileSync(lockPath, "utf8")).toBe(`${process.pid}\n`);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("does not take a thread id for a live process", () => {
    const threads = readdirSync("/proc/self/task").map(Number);
    const thread = threads.find((tid) => tid !== process.pid);
    expect(thread).toBeDefined();
    expect(isAlive(thread!)).toBe(false);
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(process.ppid)).toBe(true);
    expect(isAlive(deadPid())).toBe(false);
  });

  it("release leaves a lock that is no longer ours", () => {
    const lock = acquireDataDirLock(dir);
    writeFileSync(lockPath, `${process.ppid}\n`);
    lock.release();
    expect(readFileSync(lockPath, "utf8")).toBe(`${process.ppid}\n`);
  });
});
