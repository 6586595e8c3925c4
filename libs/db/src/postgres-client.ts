import pg from "pg";
import { type Connection, transactionClient } from "./connection-client";
import { mapPostgresError } from "./errors";
import type { SqlClient } from "./types";

/** OID of int8 (bigint, count(*)). */
const INT8 = 20;

/** int8 the way PGlite answers it: a number when it is a safe integer, else a bigint. */
function parseInt8(text: string): number | bigint {
  const value = BigInt(text);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** Type parsers for the pool: pg's defaults except int8 (see {@link parseInt8}). */
export const postgresTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8 && format !== "binary"
      ? parseInt8
      : pg.types.getTypeParser(oid, format ?? "text")) as pg.CustomTypesConfig["getTypeParser"],
};

/** SqlClient over a node-postgres pool; failures of the connection become retryable errors. */
export function postgresClient(pool: pg.Pool): SqlClient {
  return {
    kind: "postgres",
    async query<R>(sql: string, params?: unknown[]) {
      try {
        const result = await pool.query(sql, params);
        return { rows: result.rows as R[] };
      } catch (err) {
        throw mapPostgresError(err);
      }
    },
    async exec(sql) {
      try {
        await pool.query(sql);
      } catch (err) {
        throw mapPostgresError(err);
      }
    },
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw mapPostgresError(err);
      }
      const connection = clientConnection(client);
      let broken = false;
      try {
        await connection.exec("BEGIN");
        const result = await fn(transactionClient("postgres", connection));
        await connection.exec("COMMIT");
        return result;
      } catch (err) {
        try {
          await connection.exec("ROLLBACK");
        } catch {
          broken = true;
        }
        throw err;
      } finally {
        // A connection that could not even roll back is destroyed, not handed to the next caller.
        client.release(broken);
      }
    },
  };
}

function clientConnection(client: pg.PoolClient): Connection {
  return {
    async query(sql, params) {
      try {
        return await client.query(sql, params);
      } catch (err) {
        throw mapPostgresError(err);
      }
    },
    async exec(sql) {
      try {
        await client.query(sql);
      } catch (err) {
        throw mapPostgresError(err);
      }
    },
  };
}
