/**
 * How fast the logger records logins: `npx tsx bench/record-logins.bench.ts [pglite|postgres] [logins]`.
 * Chunks of 500 (the stage's default in-flight bound) over 2,000 accounts with realistic mixes:
 * 80% successes from a home country, some travel, failure bursts and one credential-stuffing IP.
 * Prints logins/s, the chunk latency percentiles and this process's CPU time (PGlite runs inside
 * it, so on a busy machine logins per CPU-second is the steadier number).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, migrate, openDatabase } from "@loginguard/db";
import { startPostgres } from "@loginguard/testing/postgres";
import { maskIp } from "../src/ip-mask";
import { type NewLoginRow, toMillisecondIso } from "../src/login-row";
import { loggerSchema } from "../src/migrations";
import { recordLogins } from "../src/record-logins";

const backend = process.argv[2] ?? "pglite";
const total = Number(process.argv[3] ?? 50_000);
const CHUNK = 500;
const ACCOUNTS = 2000;
const COUNTRIES = ["KR", "JP", "US", "BR", "DE", "VN"];

function login(i: number, at: number): NewLoginRow {
  const account = i % ACCOUNTS;
  const stuffing = i % 50 === 0;
  const failure = stuffing || i % 7 === 0;
  const ip = stuffing ? "192.0.2.66" : `198.51.${account % 256}.${(account * 7) % 256}`;
  return {
    eventId: `bench-${i}`,
    accountId: `account-${account}`,
    occurredAt: toMillisecondIso(new Date(at).toISOString()),
    result: failure ? "failure" : "success",
    failureReason: failure ? "bad_password" : null,
    ip,
    ipMasked: maskIp(ip),
    ipClass: "public",
    country: i % 20 === 0 ? COUNTRIES[i % COUNTRIES.length]! : COUNTRIES[account % 3]!,
    deviceId: `device-${account}`,
    userAgent: "GameLauncher/3.2 (Windows NT 10.0)",
    gameId: "g1",
    serverId: "s1",
    sessionId: `session-${i}`,
    source: "bench",
    correlationId: `corr-${i}`,
    receivedAt: toMillisecondIso(new Date(at + 20).toISOString()),
  };
}

async function open(): Promise<{ db: Database; done: () => Promise<void> }> {
  if (backend === "postgres") {
    const server = await startPostgres();
    const db = await openDatabase({ databaseUrl: await server.createDatabase() });
    return { db, done: async () => (await db.close(), await server.stop()) };
  }
  const dir = mkdtempSync(join(tmpdir(), "logger-bench-"));
  const db = await openDatabase({ dataDir: dir });
  return { db, done: async () => (await db.close(), rmSync(dir, { recursive: true, force: true })) };
}

const { db, done } = await open();
await migrate(db, loggerSchema);
const windows = { historyWindowDays: 90, failureWindowMinutes: 15 };
const start0 = Date.parse("2026-03-01T00:00:00Z");
const latencies: number[] = [];
const began = performance.now();
const cpuBefore = process.cpuUsage();
for (let i = 0; i < total; i += CHUNK) {
  const rows = Array.from({ length: Math.min(CHUNK, total - i) }, (_, k) =>
    login(i + k, start0 + (i + k) * 200),
  );
  const t = performance.now();
  await recordLogins(db.sql, rows, windows);
  latencies.push(performance.now() - t);
}
const seconds = (performance.now() - began) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
console.log(
  `${backend}: ${total} logins in ${seconds.toFixed(1)} s = ${Math.round(total / seconds)} logins/s; ` +
    `chunk of ${CHUNK}: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms; ` +
    `client CPU ${cpuSeconds.toFixed(1)} s = ${Math.round(total / cpuSeconds)} logins per CPU-second`,
);
await done();
