import type { Logger } from "@loginguard/observability";
import { openPglite } from "./open-pglite";
import { openPostgres } from "./open-postgres";
import type { Database } from "./types";

/** Options for {@link openDatabase}; the apps' env.ts supply the values (DATA_DIR, DATABASE_URL). */
export interface OpenDatabaseOptions {
  /**
   * Embedded mode: the data directory (PGlite files go to `${dataDir}/pglite`, the lock to
   * `${dataDir}/loginguard.lock`). `"memory://"` is an in-memory PGlite for tests.
   */
  dataDir?: string;
  /** Distributed mode: `postgres://...`; wins over `dataDir`. */
  databaseUrl?: string;
  logger?: Logger;
  /** PostgreSQL pool size; default 10. */
  poolSize?: number;
}

/**
 * Opens the service's database: a PostgreSQL pool when `databaseUrl` is given, else PGlite in
 * `dataDir`, owned by this process alone (a second process gets `DataDirLockedError`).
 */
export function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    return openPostgres({
      databaseUrl: options.databaseUrl,
      logger: options.logger,
      poolSize: options.poolSize,
    });
  }
  if (options.dataDir) return openPglite(options.dataDir, options.logger);
  return Promise.reject(
    new Error("openDatabase needs databaseUrl (PostgreSQL) or dataDir (embedded PGlite)"),
  );
}
