import type { Logger } from "@loginguard/observability";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { mapPostgresError } from "./errors";
import { postgresClient, postgresTypes } from "./postgres-client";
import type { Database } from "./types";

/** Options for {@link openPostgres}. */
export interface OpenPostgresOptions {
  databaseUrl: string;
  logger?: Logger;
  /** Connections in the pool; default 10. */
  poolSize?: number;
  /** Milliseconds to wait for a connection before a retryable error; default 10 000. */
  connectTimeoutMs?: number;
}

/**
 * Opens a node-postgres pool and checks it with one query, so a wrong URL fails at start (a
 * refused connection throws a retryable `database_unavailable` error).
 */
export async function openPostgres(options: OpenPostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types: postgresTypes,
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on("error", (err) => options.logger?.warn({ err: err.message }, "idle database connection lost"));
  const sql = postgresClient(pool);
  try {
    await sql.query("SELECT 1");
  } catch (err) {
    await pool.end().catch(() => {});
    throw mapPostgresError(err);
  }
  options.logger?.info({ database: new URL(options.databaseUrl).pathname.slice(1) }, "database pool open");
  let closing: Promise<void> | undefined;
  return {
    kind: "postgres",
    sql,
    drizzle: drizzle({ client: pool }),
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}
