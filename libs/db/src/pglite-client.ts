import type { PGlite, Transaction } from "@electric-sql/pglite";
import { type Connection, transactionClient } from "./connection-client";
import type { SqlClient } from "./types";

/**
 * SqlClient over one PGlite instance. PGlite runs one query at a time; `transaction` holds its
 * transaction mutex, so other callers' queries wait instead of landing inside it.
 */
export function pgliteClient(pglite: PGlite): SqlClient {
  return {
    kind: "pglite",
    query: async <R>(sql: string, params?: unknown[]) => {
      const result = await pglite.query<R>(sql, params);
      return { rows: result.rows };
    },
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    transaction: (fn) => pglite.transaction((tx) => fn(transactionClient("pglite", txConnection(tx)))),
  };
}

function txConnection(tx: Transaction): Connection {
  return {
    query: (sql, params) => tx.query(sql, params),
    exec: async (sql) => {
      await tx.exec(sql);
    },
  };
}
