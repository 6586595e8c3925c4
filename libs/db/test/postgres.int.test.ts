import { retryability } from "@loginguard/errors";
import { requireComponents } from "@loginguard/testing";
import { type PostgresServer, startPostgres, usePostgres } from "@loginguard/testing/postgres";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, migrate, openDatabase } from "../src/index";
import { describeDatabase } from "./database-suite";

const missing = requireComponents("postgresql");

describe.skipIf(missing.skip)("PostgreSQL", () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await usePostgres();
  });

  afterAll(async () => {
    await server?.stop();
  });

  describeDatabase("shared suite", async () => ({
    open: async () => openDatabase({ databaseUrl: await server.createDatabase() }),
    cleanup: async () => {},
  }));

  it("applies each migration once when several replicas migrate at the same time", async () => {
    const url = await server.createDatabase();
    const replicas: Database[] = await Promise.all(
      [1, 2, 3, 4].map(() => openDatabase({ databaseUrl: url, poolSize: 2 })),
    );
    try {
      const service = {
        schema: "account_security",
        migrations: [
          // Slow enough that the replicas overlap.
          {
            id: 1,
            name: "locks",
            sql: "SELECT pg_sleep(0.2); CREATE TABLE account_security.locks (id text PRIMARY KEY)",
          },
          { id: 2, name: "seed", sql: "INSERT INTO account_security.locks VALUES ('a')" },
        ],
      };
      const results = await Promise.all(replicas.map((db) => migrate(db, service)));
      expect(results.flatMap((r) => r.applied).sort()).toEqual([1, 2]);
      const first = replicas[0]!;
      expect((await first.sql.query("SELECT count(*) AS n FROM account_security._migrations")).rows).toEqual([
        { n: 2 },
      ]);
      expect((await first.sql.query("SELECT count(*) AS n FROM account_security.locks")).rows).toEqual([
        { n: 1 },
      ]);
    } finally {
      await Promise.all(replicas.map((db) => db.close()));
    }
  });

  describe("a stopped server", () => {
    let own: PostgresServer;
    let db: Database;
    let url: string;

    beforeAll(async () => {
      own = await startPostgres();
      url = await own.createDatabase();
      db = await openDatabase({ databaseUrl: url, poolSize: 2 });
      await db.sql.query("SELECT 1");
      await own.stop();
    });

    afterAll(async () => {
      await db?.close();
    });

    it("gives retryable errors on query, exec and transaction", async () => {
      for (const attempt of [
        () => db.sql.query("SELECT 1"),
        () => db.sql.exec("SELECT 1"),
        () => db.sql.transaction((tx) => tx.query("SELECT 1")),
      ]) {
        const err = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toMatchObject({ code: "database_unavailable", retryable: true });
        expect(retryability(err)).toBe(true);
      }
    });

    it("drizzle's errors are classified retryable too (through their cause)", async () => {
      const err = await db.drizzle.execute(sql`SELECT 1`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(retryability(err)).toBe(true);
    });

    it("gives a retryable error when opening", async () => {
      const err = await openDatabase({ databaseUrl: url }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: "database_unavailable", retryable: true });
    });
  });
});
