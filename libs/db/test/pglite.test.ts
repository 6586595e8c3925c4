import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MEMORY_DATA_DIR, openDatabase } from "../src/index";
import { describeDatabase } from "./database-suite";

describeDatabase("PGlite (embedded)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loginguard-db-"));
  return {
    open: () => openDatabase({ dataDir: dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe("openDatabase", () => {
  it("opens an in-memory PGlite for tests with memory://, without files or lock", async () => {
    const db = await openDatabase({ dataDir: MEMORY_DATA_DIR });
    try {
      expect(db.kind).toBe("pglite");
      expect((await db.sql.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      expect(existsSync(MEMORY_DATA_DIR)).toBe(false);
    } finally {
      await db.close();
    }
    await db.close();
  });

  it("needs a dataDir or a databaseUrl", async () => {
    await expect(openDatabase({})).rejects.toThrow(/databaseUrl .* or dataDir/);
  });
});
