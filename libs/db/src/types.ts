import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

/** Plain SQL on either backend, with `$1` placeholders. */
export interface SqlClient {
  readonly kind: "pglite" | "postgres";
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

/** An open database: PGlite in DATA_DIR (embedded) or a PostgreSQL pool (DATABASE_URL). */
export interface Database {
  readonly kind: "pglite" | "postgres";
  readonly sql: SqlClient;
  /** drizzle on the same connection(s); each service uses its own PostgreSQL schema. */
  readonly drizzle: PgDatabase<PgQueryResultHKT>;
  close(): Promise<void>;
}

/** One forward-only migration of a service's schema. */
export interface Migration {
  /** Ordered, unique within the service: 1, 2, 3 ... */
  id: number;
  name: string;
  sql: string;
}

/** A service's own data: its PostgreSQL schema name and migrations. */
export interface ServiceSchema {
  schema: string;
  migrations: Migration[];
}
