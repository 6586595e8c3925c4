/**
 * Insert throughput of the two backends, for the event log and the logger (which rely on
 * multi-row inserts): single-row inserts, multi-row inserts and one transaction of single-row
 * inserts, on PGlite and on the fixture's PostgreSQL 15 (with durable settings, and with the
 * fixture's fsync=off). Prints medians of several runs. Run: `npx tsx bench.ts [--quick]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres } from "@loginguard/testing/postgres";
import { type Database, migrate, openDatabase, type SqlClient } from "./src/index";

const quick = process.argv.includes("--quick");
const RUNS = quick ? 3 : 5;
const SINGLE_ROWS = quick ? 500 : 2_000;
const BATCH_ROWS = quick ? 5_000 : 20_000;
const BATCH = 100;

const value = new Uint8Array(300).fill(42);
const headers = {
  ce_specversion: "1.0",
  ce_type: "loginguard.login.attempted.v1",
  "content-type": "application/json",
};
const COLUMNS = 6;
let offset = 0;

function row(): unknown[] {
  offset += 1;
  return ["login.attempted", offset % 12, offset, `acct-${offset % 1000}`, value, headers];
}

function insertSql(rows: number): string {
  const tuples = Array.from({ length: rows }, (_, r) => {
    const p = Array.from({ length: COLUMNS }, (_, c) => `$${r * COLUMNS + c + 1}`);
    return `(${p.join(", ")})`;
  });
  return `INSERT INTO bench.records (topic, partition, "offset", key, value, headers) VALUES ${tuples.join(", ")}`;
}

const one = insertSql(1);
const many = insertSql(BATCH);
/** The same rows as one array parameter per column: 6 parameters whatever the batch size. */
const unnest = `INSERT INTO bench.records (topic, partition, "offset", key, value, headers)
  SELECT * FROM unnest($1::text[], $2::int[], $3::int8[], $4::text[], $5::bytea[], $6::jsonb[])`;

function columns(rows: unknown[][]): unknown[][] {
  return Array.from({ length: COLUMNS }, (_, c) => rows.map((r) => r[c]));
}

/** Each returns rows/s for one run. */
const shapes: Record<string, (sql: SqlClient) => Promise<number>> = {
  "single-row inserts": async (sql) =>
    timed(SINGLE_ROWS, async () => {
      for (let i = 0; i < SINGLE_ROWS; i++) await sql.query(one, row());
    }),
  [`multi-row inserts (${BATCH} rows each)`]: async (sql) =>
    timed(BATCH_ROWS, async () => {
      for (let i = 0; i < BATCH_ROWS / BATCH; i++)
        await sql.query(many, Array.from({ length: BATCH }, row).flat());
    }),
  [`unnest(arrays) inserts (${BATCH} rows each)`]: async (sql) =>
    timed(BATCH_ROWS, async () => {
      for (let i = 0; i < BATCH_ROWS / BATCH; i++)
        await sql.query(unnest, columns(Array.from({ length: BATCH }, row)));
    }),
  "single-row inserts in one transaction": async (sql) =>
    timed(SINGLE_ROWS, async () => {
      await sql.transaction(async (tx) => {
        for (let i = 0; i < SINGLE_ROWS; i++) await tx.query(one, row());
      });
    }),
};

async function timed(rows: number, fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return rows / ((performance.now() - start) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function measure(
  backend: string,
  db: Database,
  table: Map<string, Record<string, number>>,
): Promise<void> {
  await migrate(db, {
    schema: "bench",
    migrations: [
      {
        id: 1,
        name: "records",
        sql: `CREATE TABLE bench.records (topic text NOT NULL, partition int NOT NULL, "offset" bigint NOT NULL,
                key text, value bytea, headers jsonb, PRIMARY KEY (topic, partition, "offset"))`,
      },
    ],
  });
  for (const [shape, run] of Object.entries(shapes)) {
    await run(db.sql); // warm-up
    const results: number[] = [];
    for (let i = 0; i < RUNS; i++) results.push(await run(db.sql));
    const entry = table.get(shape) ?? {};
    entry[backend] = Math.round(median(results));
    table.set(shape, entry);
  }
}

async function main(): Promise<void> {
  const table = new Map<string, Record<string, number>>();
  const notes: string[] = [];

  const dir = mkdtempSync(join(tmpdir(), "loginguard-bench-"));
  try {
    let start = performance.now();
    let db = await openDatabase({ dataDir: dir });
    notes.push(`PGlite first open (initdb): ${Math.round(performance.now() - start)} ms`);
    await db.close();
    start = performance.now();
    db = await openDatabase({ dataDir: dir });
    notes.push(`PGlite reopen: ${Math.round(performance.now() - start)} ms`);
    await measure("PGlite", db, table);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const server = await startPostgres();
    starts.push(performance.now() - start);
    await server.stop();
  }
  notes.push(`PostgreSQL fixture start (initdb + ready), median of 3: ${Math.round(median(starts))} ms`);

  const durable = { fsync: "on", synchronous_commit: "on", full_page_writes: "on" };
  for (const [backend, settings] of [
    ["PostgreSQL (durable)", durable],
    ["PostgreSQL (fixture, fsync off)", {}],
  ] as const) {
    const server = await startPostgres({ settings });
    try {
      const db = await openDatabase({ databaseUrl: await server.createDatabase(), poolSize: 2 });
      await measure(backend, db, table);
      await db.close();
    } finally {
      await server.stop();
    }
  }

  const backends = ["PGlite", "PostgreSQL (durable)", "PostgreSQL (fixture, fsync off)"];
  const width = Math.max(...[...table.keys()].map((k) => k.length));
  console.log(`\nrows/s, median of ${RUNS} runs (row: 6 columns, 300-byte bytea, jsonb headers)\n`);
  console.log(`${"".padEnd(width)}  ${backends.map((b) => b.padStart(b.length)).join("  ")}`);
  for (const [shape, entry] of table) {
    console.log(
      `${shape.padEnd(width)}  ${backends.map((b) => String(entry[b] ?? "-").padStart(b.length)).join("  ")}`,
    );
  }
  console.log("");
  for (const note of notes) console.log(note);
}

await main();
