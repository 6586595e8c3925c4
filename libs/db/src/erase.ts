import type { SqlClient } from "./types";

/** A table holding an account's rows: its qualified name and the column with the accountId. */
export interface AccountTable {
  /** `schema.table`, a trusted constant (never user input). */
  table: string;
  /** Default `account_id`. */
  column?: string;
}

/**
 * Deletes every row of `accountId` from `tables` in one transaction (an erasure, docs/ARCHITECTURE.md
 * section 9) and answers how many rows each table lost. Idempotent: a second run deletes nothing.
 */
export async function deleteAccountRows(
  sql: SqlClient,
  tables: readonly AccountTable[],
  accountId: string,
): Promise<Record<string, number>> {
  return sql.transaction(async (tx) => {
    const deleted: Record<string, number> = {};
    for (const { table, column = "account_id" } of tables) {
      const { rows } = await tx.query<{ n: number }>(
        `WITH gone AS (DELETE FROM ${table} WHERE ${column} = $1 RETURNING 1) SELECT count(*) AS n FROM gone`,
        [accountId],
      );
      deleted[table] = Number(rows[0]?.n ?? 0);
    }
    return deleted;
  });
}

/** Every row of `accountId` in `tables`, per table (an export, docs/ARCHITECTURE.md section 9). */
export async function selectAccountRows(
  sql: SqlClient,
  tables: readonly AccountTable[],
  accountId: string,
): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const { table, column = "account_id" } of tables) {
    const { rows } = await sql.query(`SELECT * FROM ${table} WHERE ${column} = $1`, [accountId]);
    out[table] = rows;
  }
  return out;
}
