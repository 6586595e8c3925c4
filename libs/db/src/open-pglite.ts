import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { Logger } from "@loginguard/observability";
import { drizzle } from "drizzle-orm/pglite";
import { acquireDataDirLock } from "./data-dir-lock";
import { pgliteClient } from "./pglite-client";
import type { Database } from "./types";

/** `dataDir` value for a PGlite that lives only in memory (tests): no files, no lock. */
export const MEMORY_DATA_DIR = "memory://";

/** Where PGlite's own files live inside the data directory. */
export function pgliteDir(dataDir: string): string {
  return join(dataDir, "pglite");
}

/**
 * Opens PGlite in `${dataDir}/pglite` after taking the directory's lock. PGlite leaves its
 * `postmaster.pid` (pid -42) behind when its process dies; some PGlite releases then hang or abort
 * (`RuntimeError: Aborted()`) on the next open (0.5.16 opened such a directory fine in our tests).
 * Holding the lock proves no live process uses the directory, so the file is stale and removed.
 */
export async function openPglite(dataDir: string, logger?: Logger): Promise<Database> {
  if (dataDir === MEMORY_DATA_DIR) return wrap(await PGlite.create(), () => {});
  const lock = acquireDataDirLock(dataDir);
  try {
    const dir = pgliteDir(dataDir);
    const postmasterPid = join(dir, "postmaster.pid");
    if (existsSync(postmasterPid)) {
      const firstLine = readFileSync(postmasterPid, "utf8").split("\n")[0];
      logger?.warn(
        { dataDir, pid: firstLine, tookOver: lock.tookOver },
        "removing stale PGlite postmaster.pid",
      );
      rmSync(postmasterPid, { force: true });
    }
    const pglite = await PGlite.create(dir);
    logger?.info({ dataDir, tookOver: lock.tookOver }, "embedded database open");
    return wrap(pglite, () => lock.release());
  } catch (err) {
    lock.release();
    throw err;
  }
}

function wrap(pglite: PGlite, release: () => void): Database {
  let closing: Promise<void> | undefined;
  return {
    kind: "pglite",
    sql: pgliteClient(pglite),
    drizzle: drizzle({ client: pglite }),
    close() {
      closing ??= pglite.close().finally(release);
      return closing;
    },
  };
}
