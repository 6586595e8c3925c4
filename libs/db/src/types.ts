import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

/**
 * Plain SQL on either backend, with `$1` placeholders. Values come back the same on both:
 * `int8` (bigint, `count(*)`) as a number when it is a safe integer, else a `bigint`; `numeric` as
 * a string; `timestamptz` as a `Date`; `bytea` as a `Uint8Array` (a `Buffer` on PostgreSQL);
 * `jsonb` parsed. Pass `jsonb` parameters as an object or a JSON string (`JSON.stringify` arrays:
 * the PostgreSQL driver turns JS arrays into PostgreSQL arrays), `bytea` as a `Uint8Array`.
 */
export interface SqlClient {
  readonly kind: "pglite" | "postgres";
  /** One statement. On PostgreSQL a lost connection throws a retryable `LoginGuardError`. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** A script of one or more statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection; commits when it resolves, rolls back when it
   * throws. Inside `fn`, use only `tx`: on PGlite (one connection) a query on the outer client
   * waits until the transaction ends, so awaiting one inside `fn` never returns. `tx.transaction`
   * nests with a savepoint.
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

/** An open database: PGlite in DATA_DIR (embedded) or a PostgreSQL pool (DATABASE_URL). */
export interface Database {
  readonly kind: "pglite" | "postgres";
  readonly sql: SqlClient;
  /** drizzle on the same connection(s); each service uses its own PostgreSQL schema. */
  readonly drizzle: PgDatabase<PgQueryResultHKT>;
  /** Closes the pool or PGlite and releases the data directory. Idempotent. */
  close(): Promise<void>;
}

/** One forward-only migration of a service's schema. */
export interface Migration {
  /** Ordered, unique within the service: 1, 2, 3 ... */
  id: number;
  name: string;
  /** One or more statements; run in one transaction. Qualify names with the service's schema. */
  sql: string;
}

/** A service's own data: its PostgreSQL schema name and migrations. */
export interface ServiceSchema {
  /** A lower-case SQL identifier, e.g. `logger`, `account_security`. */
  schema: string;
  migrations: Migration[];
}
