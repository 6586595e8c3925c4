import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type SqlClient } from "@loginguard/db";
import { countUntil, loginRecord, type Rate, startClock } from "../../libs/bus/bench/embedded.bench.ts";

/**
 * The bare baseline of the embedded event log: PGlite storing what each publish call hands it
 * with the least work there is, one INSERT of one row (the records' values as one bytea and
 * their count), and one polling reader reading them back; no keys, headers, partitions,
 * offsets, group commit or consumer groups. Bytes travel as base64 text, as the log sends them
 * on PGlite (stock PGlite turns a bytea parameter into hex with a JS loop per byte). `batch`: 4 writers of 500 records per call;
 * `single`: 64 writers of 1 record per call (the shapes of the driver bench).
 */
export async function barePgliteRates(records: number, runs: number): Promise<{ batch: Rate; single: Rate }> {
  const dir = mkdtempSync(join(tmpdir(), "loginguard-bare-pglite-"));
  const db = await openDatabase({ dataDir: dir });
  try {
    const batch: Rate[] = [];
    const single: Rate[] = [];
    for (let run = 0; run < runs; run++) {
      batch.push(await writeAndRead(db.sql, `bare_batch_${run}`, records, 4, 500));
      single.push(await writeAndRead(db.sql, `bare_single_${run}`, records, 64, 1));
    }
    return { batch: medianRate(batch), single: medianRate(single) };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function medianRate(rates: Rate[]): Rate {
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: mid(rates.map((r) => r.wall)), cpu: mid(rates.map((r) => r.cpu)) };
}

async function writeAndRead(
  sql: SqlClient,
  table: string,
  records: number,
  writers: number,
  perInsert: number,
): Promise<Rate> {
  // Uncompressed, as the log stores its chunks: pglz would cost more CPU than it saves.
  await sql.exec(
    `CREATE TABLE ${table} (id bigserial PRIMARY KEY, records int NOT NULL, payload bytea NOT NULL);
     ALTER TABLE ${table} ALTER COLUMN payload SET STORAGE EXTERNAL;`,
  );
  const counter = countUntil(records);
  let stopped = false;
  const reader = (async () => {
    let last = 0;
    while (!stopped) {
      const { rows } = await sql.query<{ id: number; records: number; payload: string }>(
        `SELECT id, records, encode(payload, 'base64') AS payload FROM ${table} WHERE id > $1 ORDER BY id LIMIT 100`,
        [last],
      );
      if (rows.length === 0) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      last = Number(rows[rows.length - 1]!.id);
      for (const row of rows) {
        Buffer.from(row.payload, "base64");
        counter.add(row.records);
      }
    }
  })();
  const stop = startClock(records);
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < records) {
        const from = next;
        next = Math.min(records, next + perInsert);
        const values: Buffer[] = [];
        for (let n = from; n < next; n++) values.push(loginRecord(table, n).value as Buffer);
        await sql.query(`INSERT INTO ${table} (records, payload) VALUES ($1, decode($2, 'base64'))`, [
          values.length,
          Buffer.concat(values).toString("base64"),
        ]);
      }
    }),
  );
  await counter.done;
  const rate = stop();
  stopped = true;
  await reader;
  return rate;
}
