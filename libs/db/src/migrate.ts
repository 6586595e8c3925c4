import type { Logger } from "@loginguard/observability";
import type { Database, Migration, ServiceSchema, SqlClient } from "./types";

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Ids applied by this call, in order; empty when the schema was up to date. */
  applied: number[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Brings `service.schema` up to date: creates the schema and its `_migrations` table when
 * missing, then applies each missing migration in id order, each in its own transaction together
 * with its `_migrations` row. Idempotent. Safe when several replicas start at once: on
 * PostgreSQL every step holds a transaction-scoped advisory lock on the schema name, so one
 * replica applies a migration and the others find it done.
 * Throws when an applied id carries another name (two migrations were given one id).
 */
export async function migrate(db: Database, service: ServiceSchema, logger?: Logger): Promise<MigrateResult> {
  const { schema } = service;
  const migrations = checked(service);
  const table = `"${schema}"._migrations`;
  await locked(db.sql, schema, async (tx) => {
    await tx.exec(
      `CREATE SCHEMA IF NOT EXISTS "${schema}";
       CREATE TABLE IF NOT EXISTS ${table} (
         id integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       );`,
    );
  });
  const applied: number[] = [];
  for (const migration of migrations) {
    const done = await locked(db.sql, schema, async (tx) => {
      const { rows } = await tx.query<{ name: string }>(`SELECT name FROM ${table} WHERE id = $1`, [
        migration.id,
      ]);
      const existing = rows[0];
      if (existing) {
        if (existing.name !== migration.name) {
          throw new Error(
            `migration ${schema}#${migration.id} was applied as "${existing.name}" but is now "${migration.name}"`,
          );
        }
        return false;
      }
      await tx.exec(migration.sql);
      await tx.query(`INSERT INTO ${table} (id, name) VALUES ($1, $2)`, [migration.id, migration.name]);
      return true;
    });
    if (done) {
      applied.push(migration.id);
      logger?.info({ schema, id: migration.id, name: migration.name }, "migration applied");
    }
  }
  return { applied };
}

/** One transaction holding the schema's advisory lock (PGlite has one connection: no lock needed). */
function locked<T>(sql: SqlClient, schema: string, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    if (tx.kind === "postgres") {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`loginguard.migrate.${schema}`]);
    }
    return fn(tx);
  });
}

function checked(service: ServiceSchema): Migration[] {
  if (!IDENTIFIER.test(service.schema)) {
    throw new Error(`schema name ${JSON.stringify(service.schema)} must be a lower-case SQL identifier`);
  }
  const ids = new Set<number>();
  for (const m of service.migrations) {
    if (!Number.isSafeInteger(m.id) || m.id <= 0)
      throw new Error(`${service.schema}: migration id ${m.id} is not a positive integer`);
    if (ids.has(m.id)) throw new Error(`${service.schema}: two migrations have id ${m.id}`);
    ids.add(m.id);
  }
  return [...service.migrations].sort((a, b) => a.id - b.id);
}
