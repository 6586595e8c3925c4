import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataDirLockedError, LOCK_FILE, openDatabase } from "../src/index";
import { type Child, spawnChild } from "./children/spawn-child";

/** Another process's hands on the embedded data directory: kill -9, a live owner, a dead one. */
describe("PGlite data directory across processes", () => {
  let dir: string;
  let child: Child | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "loginguard-crash-"));
  });

  afterEach(async () => {
    await child?.kill9();
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every row whose insert returned when the process is killed with SIGKILL", async () => {
    child = spawnChild("insert", dir);
    await child.waitFor((line) => line === "ready");
    // Let it commit a few hundred rows, then kill it mid-stream.
    await child.waitFor((line) => line.startsWith("ids ") && Number(line.split(",").at(-1)) >= 600);
    await child.kill9();
    const acknowledged = child.lines
      .filter((line) => line.startsWith("ids "))
      .flatMap((line) => line.slice(4).split(",").map(Number));
    expect(acknowledged.length).toBeGreaterThanOrEqual(600);

    // What the dead process left behind: its lock and PGlite's postmaster.pid with pid -42.
    expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe(String(child.pid));
    const postmasterPid = join(dir, "pglite", "postmaster.pid");
    expect(readFileSync(postmasterPid, "utf8").split("\n")[0]).toBe("-42");

    const db = await openDatabase({ dataDir: dir });
    try {
      const { rows } = await db.sql.query<{ id: number }>("SELECT id FROM crash.rows ORDER BY id");
      const stored = new Set(rows.map((r) => r.id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      // Rows are contiguous: the commits that had not returned yet either all landed or did not.
      expect(rows.map((r) => r.id)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
      expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe(String(process.pid));
    } finally {
      await db.close();
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("refuses to open a directory a live process owns, naming its pid; takes over once it died", async () => {
    child = spawnChild("hold", dir);
    await child.waitFor((line) => line === "ready");

    const err = await openDatabase({ dataDir: dir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect(err).toMatchObject({ pid: child.pid, dataDir: dir, retryable: false, code: "data_dir_locked" });
    expect((err as Error).message).toContain(`process ${child.pid}`);
    expect((err as Error).message).toContain(dir);
    // The failed attempt left the owner's files alone.
    expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe(String(child.pid));
    expect(existsSync(join(dir, "pglite", "postmaster.pid"))).toBe(true);

    await child.kill9();
    const db = await openDatabase({ dataDir: dir });
    try {
      expect((await db.sql.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it("recovers a directory whose previous process died, repeatedly", async () => {
    for (let round = 1; round <= 2; round++) {
      child = spawnChild("insert", dir);
      await child.waitFor((line) => line.startsWith("ids "));
      await child.kill9();
    }
    const db = await openDatabase({ dataDir: dir });
    try {
      const { rows } = await db.sql.query<{ n: number }>("SELECT count(*) AS n FROM crash.rows");
      expect(rows[0]?.n).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });

  it("refuses a second open of the same directory in the same process", async () => {
    const db = await openDatabase({ dataDir: dir });
    try {
      await expect(openDatabase({ dataDir: dir })).rejects.toMatchObject({
        pid: process.pid,
        code: "data_dir_locked",
      });
    } finally {
      await db.close();
    }
    const again = await openDatabase({ dataDir: dir });
    await again.close();
  });
});
