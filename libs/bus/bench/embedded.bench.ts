// Throughput of the embedded event log on PGlite (file-backed, as `npm start` runs it):
//   npx tsx libs/bus/bench/embedded.bench.ts [--records 50000] [--runs 3] [--partitions 4] [--quick]
// Scenarios, each run `--runs` times on fresh topics, medians printed:
//   batch publish:    4 publishers x 500-record batches -> one consumer group
//   single publish:   64 callers publishing 1 record per call in a loop (HTTP ingest's shape) -> one group
//   5-hop pipeline:   64 single-record callers -> t1 -> t2 -> t3 -> t4 -> t5 -> counter, each hop a group
//                     that republishes its batch then commits (the embedded end-to-end shape)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Database, openDatabase } from "@loginguard/db";
import { silentLogger } from "@loginguard/observability";
import type { BusRecord, OutgoingRecord } from "../src/bus";
import { createEmbeddedBus, type EmbeddedBus } from "../src/embedded/index";

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "50000" },
    runs: { type: "string", default: "3" },
    partitions: { type: "string", default: "4" },
    quick: { type: "boolean", default: false },
  },
});
const RECORDS = args.quick ? 10_000 : Number(args.records);
const RUNS = args.quick ? 1 : Number(args.runs);
const PARTITIONS = Number(args.partitions);

let topicSeq = 0;
const topicName = (label: string) => `bench-${label}-${++topicSeq}`;

/** A login.attempted-like record: CloudEvents headers, ~400-byte JSON value, accountId key. */
function loginRecord(topic: string, n: number): OutgoingRecord {
  const accountId = `acc-${(n * 7919) % 100_000}`;
  const id = `0190f7c0-${String(n).padStart(12, "0")}-7bbb-8ccc-123456789abc`;
  const data = {
    eventId: id,
    accountId,
    occurredAt: new Date().toISOString(),
    ip: `203.0.${n % 256}.${(n >> 8) % 256}`,
    result: n % 10 === 0 ? "failure" : "success",
    gameId: "game-1",
    serverId: `srv-${n % 32}`,
    sessionId: `sess-${n.toString(36)}-abcdef0123456789`,
    deviceId: `dev-${(n * 31) % 5000}`,
    userAgent:
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0",
    receivedAt: new Date().toISOString(),
    source: "bench",
  };
  return {
    topic,
    key: accountId,
    value: Buffer.from(JSON.stringify(data)),
    headers: {
      ce_specversion: "1.0",
      ce_id: id,
      ce_source: "loginguard/ingest",
      ce_type: "loginguard.login.attempted.v1",
      ce_time: data.receivedAt,
      ce_subject: accountId,
      ce_correlationid: id,
      "content-type": "application/json",
      sent_at: String(performance.now()),
    },
  };
}

/** Wall-clock and process-CPU throughput of one scenario (CPU time: robust on a shared machine). */
interface Rate {
  wall: number;
  cpu: number;
}

function startClock(): () => Rate {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return {
      wall: RECORDS / ((performance.now() - wall) / 1000),
      cpu: RECORDS / ((used.user + used.system) / 1e6),
    };
  };
}

function countUntil(total: number): { add(n: number): void; done: Promise<void> } {
  let seen = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    add(n) {
      seen += n;
      if (seen >= total) resolve();
    },
    done,
  };
}

async function batchPublish(bus: EmbeddedBus): Promise<Rate> {
  const topic = topicName("batch");
  await bus.ensureTopics([{ name: topic, partitions: PARTITIONS }]);
  const counter = countUntil(RECORDS);
  const sub = await bus.subscribe({
    group: `${topic}-g`,
    topics: [topic],
    handleBatch: async (b) => counter.add(b.records.length),
  });
  const stop = startClock();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < RECORDS) {
        const from = next;
        next = Math.min(RECORDS, next + 500);
        const batch: OutgoingRecord[] = [];
        for (let n = from; n < next; n++) batch.push(loginRecord(topic, n));
        await bus.publish(batch);
      }
    }),
  );
  await counter.done;
  const rate = stop();
  await sub.stop();
  return rate;
}

async function singlePublish(bus: EmbeddedBus): Promise<Rate> {
  const topic = topicName("single");
  await bus.ensureTopics([{ name: topic, partitions: PARTITIONS }]);
  const counter = countUntil(RECORDS);
  const sub = await bus.subscribe({
    group: `${topic}-g`,
    topics: [topic],
    handleBatch: async (b) => counter.add(b.records.length),
  });
  const stop = startClock();
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < RECORDS) await bus.publish([loginRecord(topic, next++)]);
    }),
  );
  await counter.done;
  const rate = stop();
  await sub.stop();
  return rate;
}

interface PipelineResult {
  rate: Rate;
  p50: number;
  p99: number;
}

async function pipeline(bus: EmbeddedBus): Promise<PipelineResult> {
  const topics = Array.from({ length: 5 }, (_, i) => topicName(`hop${i + 1}`));
  await bus.ensureTopics(topics.map((name) => ({ name, partitions: PARTITIONS })));
  const counter = countUntil(RECORDS);
  const latencies: number[] = [];
  const subs = await Promise.all(
    topics.map((topic, i) =>
      bus.subscribe({
        group: `${topic}-stage`,
        topics: [topic],
        handleBatch: async (b) => {
          const next = topics[i + 1];
          if (next) {
            await bus.publish(
              b.records.map((r: BusRecord) => ({
                topic: next,
                key: r.key,
                value: r.value,
                headers: r.headers,
              })),
            );
          } else {
            const now = performance.now();
            for (const r of b.records) latencies.push(now - Number(r.headers.sent_at));
            counter.add(b.records.length);
          }
        },
      }),
    ),
  );
  const stop = startClock();
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < RECORDS) await bus.publish([loginRecord(topics[0]!, next++)]);
    }),
  );
  await counter.done;
  const rate = stop();
  for (const s of subs) await s.stop();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { rate, p50: at(0.5), p99: at(0.99) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "loginguard-bench-"));
  let db: Database | undefined;
  try {
    db = await openDatabase({ dataDir: dir });
    const bus = await createEmbeddedBus({ db, logger: silentLogger() });
    console.log(
      `embedded log on PGlite (${dir}): ${RECORDS} records per run, ${RUNS} runs, ${PARTITIONS} partitions`,
    );
    const results: Record<string, number[]> = {};
    const add = (name: string, value: number) => {
      results[name] = [...(results[name] ?? []), value];
    };
    for (let run = 1; run <= RUNS; run++) {
      const b = await batchPublish(bus);
      const s = await singlePublish(bus);
      const p = await pipeline(bus);
      for (const [name, rate] of [
        ["batch", b],
        ["single", s],
        ["pipeline", p.rate],
      ] as const) {
        add(`${name}.wall`, rate.wall);
        add(`${name}.cpu`, rate.cpu);
      }
      add("p50", p.p50);
      add("p99", p.p99);
      console.log(
        `run ${run}: batch ${fmt(b.wall)} rec/s, single ${fmt(s.wall)} rec/s, 5-hop ${fmt(p.rate.wall)} rec/s ` +
          `(p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms)`,
      );
    }
    const m = (name: string) => median(results[name] ?? [0]);
    console.log("\nmedians                                 records/s   records per CPU-second");
    console.log(
      `batch publish -> consume                ${fmt(m("batch.wall")).padStart(9)}   ${fmt(m("batch.cpu")).padStart(9)}`,
    );
    console.log(
      `single-record publish x64 -> consume    ${fmt(m("single.wall")).padStart(9)}   ${fmt(m("single.cpu")).padStart(9)}`,
    );
    console.log(
      `5-hop pipeline end to end               ${fmt(m("pipeline.wall")).padStart(9)}   ${fmt(m("pipeline.cpu")).padStart(9)}`,
    );
    console.log(`5-hop latency p50 / p99 (ms)            ${m("p50").toFixed(1)} / ${m("p99").toFixed(1)}`);
    console.log(
      "(records per CPU-second = what one free core sustains; it ignores other load on the machine)",
    );
    await bus.close();
  } finally {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
