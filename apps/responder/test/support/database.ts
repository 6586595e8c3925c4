import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, openDatabase } from "@loginguard/db";

/** How a suite gets a fresh database with the `responder` schema not yet created. */
export interface DatabaseFactory {
  open(): Promise<Database>;
  cleanup(): Promise<void>;
}

/** PGlite in a temporary directory (embedded mode). */
export function pgliteFactory(): DatabaseFactory {
  const dirs: string[] = [];
  return {
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), "responder-db-"));
      dirs.push(dir);
      return openDatabase({ dataDir: dir });
    },
    cleanup: async () => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
