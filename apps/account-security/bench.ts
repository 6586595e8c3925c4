/**
 * Measures the decision stage's handler (one chunk = one `decideLogins` call, as the stage runtime
 * makes it) with the account-state cache on and off, on PGlite and, when installed, PostgreSQL.
 * Run: `npx tsx apps/account-security/bench.ts [--quick]`. Prints a table; nothing is asserted.
 */
import { type Database, MEMORY_DATA_DIR, migrate, openDatabase } from "@loginguard/db";
import { silentLogger } from "@loginguard/observability";
import { requireComponents } from "@loginguard/testing";
import { startPostgres } from "@loginguard/testing/postgres";
import { createAccountSecurityService } from "./src/service";
import { AccountStore } from "./src/state/account-store";
import { ACCOUNT_SECURITY_SCHEMA } from "./src/state/migrations";
import { plusMinutes, recordedEvent, recordedLogin } from "./test/fixtures";
import { RecordingBus } from "./test/recording-bus";
import { testConfig } from "./test/service-fixture";

const quick = process.argv.includes("--quick");
const ACCOUNTS = quick ? 5_000 : 20_000;
const CHUNK = 500;
const PASSES = 3;
const T0 = "2026-03-01T12:00:00.000Z";

/** Logins of distinct accounts (a chunk rarely repeats one); 2% from a new country, the rest from home. */
function chunkOf(pass: number, start: number) {
  return Array.from({ length: CHUNK }, (_, i) => {
    const n = start + i;
    const away = n % 50 === 0;
    return recordedEvent(
      recordedLogin({
        eventId: `bench-${pass}-${n}`,
        accountId: `acc-${n % ACCOUNTS}`,
        country: away ? "JP" : "KR",
        occurredAt: plusMinutes(T0, pass * 600),
        history: {
          previousSuccess: { eventId: "p", country: "KR", occurredAt: plusMinutes(T0, -600) },
          countriesSeen: ["KR"],
        },
      }),
    );
  });
}

async function run(label: string, db: Database, cache: boolean) {
  const service = createAccountSecurityService({
    bus: new RecordingBus(),
    db,
    config: testConfig({ stateCache: cache ? "on" : "off", stateCacheSize: ACCOUNTS * 2 }),
    logger: silentLogger(),
  });
  await service.migrate();
  const rows: string[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    const latencies: number[] = [];
    const started = performance.now();
    for (let start = 0; start < ACCOUNTS; start += CHUNK) {
      const chunk = chunkOf(pass + (cache ? 0 : 100), start);
      const t = performance.now();
      await service.decideLogins(chunk);
      latencies.push(performance.now() - t);
    }
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const p = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
    rows.push(
      `| ${label} | ${cache ? "on" : "off"} | ${pass === 0 ? "cold" : "warm"} | ${Math.round(ACCOUNTS / seconds)} | ${p(0.5)} | ${p(0.99)} |`,
    );
  }
  return rows;
}

/** The read the cache saves: one chunk's accounts, from memory or in one query (all rows exist). */
async function readCost(label: string, db: Database) {
  await migrate(db, ACCOUNT_SECURITY_SCHEMA);
  await db.sql.query(
    `INSERT INTO account_security.accounts (account_id, known_countries)
     SELECT 'read-' || n, '["KR"]' FROM generate_series(0, ${ACCOUNTS - 1}) AS n ON CONFLICT DO NOTHING`,
  );
  const rows: string[] = [];
  for (const cache of [true, false]) {
    const store = new AccountStore(db, { cache, cacheSize: ACCOUNTS * 2 });
    const ids = (start: number) => Array.from({ length: CHUNK }, (_, i) => `read-${(start + i) % ACCOUNTS}`);
    for (let start = 0; start < ACCOUNTS; start += CHUNK) await store.getMany(ids(start));
    const times: number[] = [];
    for (let round = 0; round < 200; round++) {
      const t = performance.now();
      await store.getMany(ids((round * CHUNK) % ACCOUNTS));
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    rows.push(
      `| ${label} | ${cache ? "on (hit)" : "off (query)"} | ${times[100]!.toFixed(2)} | ${times[198]!.toFixed(2)} |`,
    );
  }
  return rows;
}

const out = [
  "| database | cache | pass | logins/s | chunk p50 ms | chunk p99 ms |",
  "| --- | --- | --- | --- | --- | --- |",
];
for (const cache of [true, false]) {
  const db = await openDatabase({ dataDir: MEMORY_DATA_DIR });
  out.push(...(await run("PGlite (memory)", db, cache)));
  await db.close();
}
if (!requireComponents("postgresql").skip) {
  const server = await startPostgres();
  try {
    for (const cache of [true, false]) {
      const db = await openDatabase({ databaseUrl: await server.createDatabase() });
      out.push(...(await run("PostgreSQL 15", db, cache)));
      await db.close();
    }
  } finally {
    await server.stop();
  }
}
const reads = ["| database | cache | read of 500 accounts p50 ms | p99 ms |", "| --- | --- | --- | --- |"];
{
  const db = await openDatabase({ dataDir: MEMORY_DATA_DIR });
  reads.push(...(await readCost("PGlite (memory)", db)));
  await db.close();
}
if (!requireComponents("postgresql").skip) {
  const server = await startPostgres();
  try {
    const db = await openDatabase({ databaseUrl: await server.createDatabase() });
    reads.push(...(await readCost("PostgreSQL 15", db)));
    await db.close();
  } finally {
    await server.stop();
  }
}
console.log(`${ACCOUNTS} accounts, chunks of ${CHUNK} logins, 2% new-country decisions\n`);
console.log(out.join("\n"));
console.log(`\n${reads.join("\n")}`);
