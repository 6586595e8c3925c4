import { retryability } from "@loginguard/errors";
import { eq } from "drizzle-orm";
import { bigint, jsonb, pgSchema, text } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytea, type Database, migrate, type ServiceSchema } from "../src/index";

/** How a backend's suite gets its database: one per suite, isolated from other suites. */
export interface DatabaseFactory {
  /** Opens a fresh, empty database. */
  open(): Promise<Database>;
  /** Frees what `open` made (temp dirs, servers), after the database is closed. */
  cleanup(): Promise<void>;
}

let schemaCounter = 0;
/** A schema name of its own per test, so tests share one database without seeing each other. */
function freshSchema(prefix: string): string {
  schemaCounter += 1;
  return `${prefix}_${schemaCounter}`;
}

/** The contract every backend meets, written once: PGlite and PostgreSQL run the same tests. */
export function describeDatabase(name: string, factory: () => Promise<DatabaseFactory>): void {
  describe(name, () => {
    let db: Database;
    let made: DatabaseFactory;

    beforeAll(async () => {
      made = await factory();
      db = await made.open();
    });

    afterAll(async () => {
      await db?.close();
      await made?.cleanup();
    });

    it("runs queries with $n parameters", async () => {
      const { rows } = await db.sql.query<{ sum: number; greeting: string; nothing: null }>(
        "SELECT $1::int + $2::int AS sum, 'hello ' || $3 AS greeting, $4::text AS nothing",
        [2, 3, "world", null],
      );
      expect(rows).toEqual([{ sum: 5, greeting: "hello world", nothing: null }]);
    });

    it("answers int8 as a number when safe and as a bigint when not, timestamptz as a Date", async () => {
      const { rows } = await db.sql.query<{ small: unknown; big: unknown; n: unknown; at: unknown }>(
        "SELECT 42::int8 AS small, 9007199254740993::int8 AS big, count(*) AS n, now() AS at FROM generate_series(1, 3)",
      );
      expect(rows[0]).toMatchObject({ small: 42, big: 9007199254740993n, n: 3 });
      expect(rows[0]?.at).toBeInstanceOf(Date);
    });

    it("exec runs a script of several statements", async () => {
      const schema = freshSchema("exec");
      await db.sql.exec(
        `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int); INSERT INTO ${schema}.t VALUES (1), (2);`,
      );
      const { rows } = await db.sql.query(`SELECT id FROM ${schema}.t ORDER BY id`);
      expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
    });

    it("commits a transaction and answers its result", async () => {
      const schema = freshSchema("tx");
      await db.sql.exec(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int PRIMARY KEY)`);
      const result = await db.sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${schema}.t VALUES ($1)`, [1]);
        await tx.query(`INSERT INTO ${schema}.t VALUES ($1)`, [2]);
        return "done";
      });
      expect(result).toBe("done");
      expect((await db.sql.query(`SELECT count(*) AS n FROM ${schema}.t`)).rows).toEqual([{ n: 2 }]);
    });

    it("rolls a transaction back when it throws, and rethrows", async () => {
      const schema = freshSchema("rb");
      await db.sql.exec(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int PRIMARY KEY)`);
      const boom = new Error("boom");
      await expect(
        db.sql.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${schema}.t VALUES (1)`);
          throw boom;
        }),
      ).rejects.toBe(boom);
      // A failed statement aborts the transaction; it is rolled back too.
      await expect(
        db.sql.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${schema}.t VALUES (2)`);
          await tx.query(`INSERT INTO ${schema}.t VALUES (2)`);
        }),
      ).rejects.toMatchObject({ code: "23505" });
      expect((await db.sql.query(`SELECT count(*) AS n FROM ${schema}.t`)).rows).toEqual([{ n: 0 }]);
      // The client is still usable afterwards.
      await db.sql.query(`INSERT INTO ${schema}.t VALUES (3)`);
    });

    it("nests transactions with savepoints", async () => {
      const schema = freshSchema("sp");
      await db.sql.exec(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int PRIMARY KEY)`);
      await db.sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${schema}.t VALUES (1)`);
        await tx
          .transaction(async (inner) => {
            await inner.query(`INSERT INTO ${schema}.t VALUES (2)`);
            throw new Error("inner fails");
          })
          .catch(() => {});
        await tx.transaction((inner) => inner.query(`INSERT INTO ${schema}.t VALUES (3)`));
      });
      const { rows } = await db.sql.query<{ id: number }>(`SELECT id FROM ${schema}.t ORDER BY id`);
      expect(rows.map((r) => r.id)).toEqual([1, 3]);
    });

    it("never shows another caller a row of a transaction that is rolled back", async () => {
      const schema = freshSchema("iso");
      await db.sql.exec(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int)`);
      let outside: Promise<{ rows: Array<{ n: number }> }> | undefined;
      await db.sql
        .transaction(async (tx) => {
          await tx.query(`INSERT INTO ${schema}.t VALUES (1)`);
          outside = db.sql.query<{ n: number }>(`SELECT count(*) AS n FROM ${schema}.t`);
          await new Promise((resolve) => setTimeout(resolve, 50));
          throw new Error("roll back");
        })
        .catch(() => {});
      expect((await outside)?.rows).toEqual([{ n: 0 }]);
    });

    it("round-trips bytea and jsonb, including multi-row inserts", async () => {
      const schema = freshSchema("bin");
      await db.sql.exec(
        `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int PRIMARY KEY, v bytea, h jsonb)`,
      );
      const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      const headers = { ce_id: "é-1", nested: { list: [1, "two", null], ok: true }, emoji: "🔐" };
      await db.sql.query(`INSERT INTO ${schema}.t VALUES ($1, $2, $3)`, [1, allBytes, headers]);
      await db.sql.query(`INSERT INTO ${schema}.t VALUES ($1, $2, $3)`, [
        2,
        new Uint8Array(0),
        JSON.stringify([1, 2]),
      ]);
      const rows = 100;
      const values: string[] = [];
      const params: unknown[] = [];
      for (let i = 0; i < rows; i++) {
        values.push(`($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`);
        params.push(1000 + i, new TextEncoder().encode(`value ${i}`), { i });
      }
      await db.sql.query(`INSERT INTO ${schema}.t VALUES ${values.join(", ")}`, params);

      const read = await db.sql.query<{ id: number; v: Uint8Array; h: unknown }>(
        `SELECT * FROM ${schema}.t ORDER BY id`,
      );
      expect(read.rows).toHaveLength(rows + 2);
      const [first, second] = read.rows;
      expect(first?.v).toBeInstanceOf(Uint8Array);
      expect(Array.from(first?.v ?? [])).toEqual(Array.from(allBytes));
      expect(first?.h).toEqual(headers);
      expect(second?.v).toHaveLength(0);
      expect(second?.h).toEqual([1, 2]);
      expect(new TextDecoder().decode(read.rows[101]?.v)).toBe("value 99");
      expect(read.rows[101]?.h).toEqual({ i: 99 });
    });

    it("inserts many rows through unnest() of one array parameter per column", async () => {
      const schema = freshSchema("unnest");
      await db.sql.exec(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int8, v bytea, h jsonb)`);
      const rows = Array.from({ length: 50 }, (_, i) => ({
        id: 2 ** 40 + i,
        v: Uint8Array.from([i, 0, 255, 92, 34]),
        h: { i, quote: 'a "b" \\ c', list: [i] },
      }));
      await db.sql.query(
        `INSERT INTO ${schema}.t SELECT * FROM unnest($1::int8[], $2::bytea[], $3::jsonb[])`,
        [rows.map((r) => r.id), rows.map((r) => r.v), rows.map((r) => r.h)],
      );
      const read = await db.sql.query<{ id: number; v: Uint8Array; h: unknown }>(
        `SELECT * FROM ${schema}.t ORDER BY id`,
      );
      expect(read.rows.map((r) => ({ id: r.id, v: Uint8Array.from(r.v), h: r.h }))).toEqual(rows);
    });

    it("drizzle selects and inserts on a table in a service's own schema", async () => {
      const schema = freshSchema("drz");
      await migrate(db, {
        schema,
        migrations: [
          {
            id: 1,
            name: "accounts",
            sql: `CREATE TABLE ${schema}.accounts (id text PRIMARY KEY, seq bigint NOT NULL, settings jsonb NOT NULL, secret bytea)`,
          },
        ],
      });
      const accounts = pgSchema(schema).table("accounts", {
        id: text("id").primaryKey(),
        seq: bigint("seq", { mode: "number" }).notNull(),
        settings: jsonb("settings").$type<{ countries: string[] }>().notNull(),
        secret: bytea("secret"),
      });
      await db.drizzle.insert(accounts).values([
        { id: "a1", seq: 1, settings: { countries: ["KR"] }, secret: new Uint8Array([0, 255]) },
        { id: "a2", seq: 2 ** 40, settings: { countries: [] }, secret: null },
      ]);
      const [a1] = await db.drizzle.select().from(accounts).where(eq(accounts.id, "a1"));
      expect(a1).toMatchObject({ id: "a1", seq: 1, settings: { countries: ["KR"] } });
      expect(Array.from(a1?.secret ?? [])).toEqual([0, 255]);
      const all = await db.drizzle
        .select({ id: accounts.id, seq: accounts.seq })
        .from(accounts)
        .orderBy(accounts.id);
      expect(all).toEqual([
        { id: "a1", seq: 1 },
        { id: "a2", seq: 2 ** 40 },
      ]);
      // Raw SQL sees the same rows.
      expect((await db.sql.query(`SELECT count(*) AS n FROM ${schema}.accounts`)).rows).toEqual([{ n: 2 }]);
    });

    describe("migrate", () => {
      const service = (schema: string): ServiceSchema => ({
        schema,
        // Given out of order on purpose: applied by id.
        migrations: [
          { id: 2, name: "add-note", sql: `ALTER TABLE ${schema}.items ADD COLUMN note text` },
          {
            id: 1,
            name: "items",
            sql: `CREATE TABLE ${schema}.items (id int PRIMARY KEY); INSERT INTO ${schema}.items VALUES (1)`,
          },
        ],
      });

      it("creates the schema, applies missing migrations in id order once, and is idempotent", async () => {
        const schema = freshSchema("mig");
        expect(await migrate(db, service(schema))).toEqual({ applied: [1, 2] });
        expect(await migrate(db, service(schema))).toEqual({ applied: [] });
        const next = service(schema);
        next.migrations.push({
          id: 3,
          name: "more",
          sql: `INSERT INTO ${schema}.items (id, note) VALUES (2, 'x')`,
        });
        expect(await migrate(db, next)).toEqual({ applied: [3] });
        const done = await db.sql.query<{ id: number; name: string; applied_at: unknown }>(
          `SELECT id, name, applied_at FROM ${schema}._migrations ORDER BY id`,
        );
        expect(done.rows.map((r) => [r.id, r.name])).toEqual([
          [1, "items"],
          [2, "add-note"],
          [3, "more"],
        ]);
        expect(done.rows[0]?.applied_at).toBeInstanceOf(Date);
        expect((await db.sql.query(`SELECT count(*) AS n FROM ${schema}.items`)).rows).toEqual([{ n: 2 }]);
      });

      it("applies once when called concurrently on one database", async () => {
        const schema = freshSchema("conc");
        const results = await Promise.all([migrate(db, service(schema)), migrate(db, service(schema))]);
        expect(results.flatMap((r) => r.applied).sort()).toEqual([1, 2]);
      });

      it("rolls back a failing migration whole and keeps the ones before it", async () => {
        const schema = freshSchema("fail");
        const broken = service(schema);
        broken.migrations.push({
          id: 3,
          name: "broken",
          sql: `CREATE TABLE ${schema}.half (id int); SELECT no_such_function()`,
        });
        await expect(migrate(db, broken)).rejects.toThrow(/no_such_function/);
        const { rows } = await db.sql.query<{ id: number }>(
          `SELECT id FROM ${schema}._migrations ORDER BY id`,
        );
        expect(rows.map((r) => r.id)).toEqual([1, 2]);
        const half = await db.sql.query(`SELECT to_regclass('${schema}.half') AS t`);
        expect(half.rows).toEqual([{ t: null }]);
        broken.migrations[2] = { id: 3, name: "broken", sql: `CREATE TABLE ${schema}.half (id int)` };
        expect(await migrate(db, broken)).toEqual({ applied: [3] });
      });

      it("refuses an applied id that now has another name, and bad schema names", async () => {
        const schema = freshSchema("name");
        await migrate(db, service(schema));
        const renamed = service(schema);
        renamed.migrations[1] = { id: 1, name: "something-else", sql: "SELECT 1" };
        await expect(migrate(db, renamed)).rejects.toThrow(/applied as "items"/);
        await expect(migrate(db, { schema: 'x"; DROP', migrations: [] })).rejects.toThrow(/identifier/);
        await expect(
          migrate(db, {
            schema,
            migrations: [
              { id: 1, name: "a", sql: "" },
              { id: 1, name: "b", sql: "" },
            ],
          }),
        ).rejects.toThrow(/two migrations have id 1/);
      });
    });

    it("a failing statement is not retryable", async () => {
      const err = await db.sql.query("SELECT * FROM no_such_table").catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "42P01" });
      expect(retryability(err)).not.toBe(true);
    });
  });
}
