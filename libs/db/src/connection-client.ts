import type { SqlClient } from "./types";

/** What a single connection (or a transaction on one) can do. */
export interface Connection {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(sql: string): Promise<void>;
}

/**
 * A SqlClient for code already inside a transaction on one connection: its `transaction` nests
 * with a savepoint, rolled back to when `fn` throws.
 */
export function transactionClient(kind: SqlClient["kind"], connection: Connection, depth = 1): SqlClient {
  const client: SqlClient = {
    kind,
    query: <R>(sql: string, params?: unknown[]) => connection.query(sql, params) as Promise<{ rows: R[] }>,
    exec: (sql) => connection.exec(sql),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      const savepoint = `lg_sp_${depth}`;
      await connection.exec(`SAVEPOINT ${savepoint}`);
      try {
        const result = await fn(transactionClient(kind, connection, depth + 1));
        await connection.exec(`RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (err) {
        await connection.exec(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        await connection.exec(`RELEASE SAVEPOINT ${savepoint}`);
        throw err;
      }
    },
  };
  return client;
}
