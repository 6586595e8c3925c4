// Throughput of the embedded event log on PGlite (file-backed, as `npm start` runs it):
//   npx tsx libs/bus/bench/embedded.bench.ts [--records 50000] [--runs 3] [--partitions 4] [--quick]
// Scenarios, each run `--runs` times on fresh topics, medians printed:
//   batch publish:    4 publishers x 500-record batches -> one consumer group
//   single publish:   64 callers publishing 1 record per call in a loop (HTTP ingest's shape) -> one group
//   5-hop pipeline:   64 single-record callers -> t1 -> t2 -> t3 -> t4 -> t5 -> counter, each hop a group
//                     that republishes its batch then commits (the embedded end-to-end shape)
//   Also a module: `runEmbeddedBench(options)` runs the same scenarios and returns the numbers
//   (test/bench/bus.bench.ts prints them next to the other driver's).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type Database, openDatabase } from "@loginguard/db";
import { silentLogger } from "@loginguard/observability";
import type { BusRecord, OutgoingRecord } from "../src/bus";
import { createEmbeddedBus, type EmbeddedBus } from "../src/embedded/index";

/** What to run: records per scenario run, runs (medians over them), partitions per topic. */
export interface EmbeddedBenchOptions {
  records: number;
  runs: number;
  partitions: number;
  /** Progress lines (one per run). Default: none. */
  log?: (line: string) => void;
}

/** The settings of `--quick`: one run of 10,000 records. */
export const QUICK_EMBEDDED: Omit<EmbeddedBenchOptions, "log"> = { records: 10_000, runs: 1, partitions: 4 };

let topicSeq = 0;
const topicName = (label: string) => `bench-${label}-${++topicSeq}`;

/** A login.attempted-like record: CloudEvents headers, ~400-byte JSON value, accountId key. */
export function loginRecord(topic: string, n: number): OutgoingRecord {
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
export interface Rate {
  wall: number;
  cpu: number;
}

export function startClock(records: number): () => Rate {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return {
      wall: records / ((performance.now() - wall) / 1000),
      cpu: records / ((used.user + used.system) / 1e6),
    };
  };
}

export function countUntil(total: number): { add(n: number): void; done: Promise<void> } {
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

async function batchPublish(bus: EmbeddedBus, o: EmbeddedBenchOptions): Promise<Rate> {
  const { records } = o;
  const topic = topicName("batch");
  await bus.ensureTopics([{ name: topic, partitions: o.partitions }]);
  const counter = countUntil(records);
  const sub = await bus.subscribe({
    group: `${topic}-g`,
    topics: [topic],
    handleBatch: async (b) => counter.add(b.records.length),
  });
  const stop = startClock(records);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < records) {
        const from = next;
        next = Math.min(records, next + 500);
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

async function singlePublish(bus: EmbeddedBus, o: EmbeddedBenchOptions): Promise<Rate> {
  const { records } = o;
  const topic = topicName("single");
  await bus.ensureTopics([{ name: topic, partitions: o.partitions }]);
  const counter = countUntil(records);
  const sub = await bus.subscribe({
    group: `${topic}-g`,
    topics: [topic],
    handleBatch: async (b) => counter.add(b.records.length),
  });
  const stop = startClock(records);
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < records) await bus.publish([loginRecord(topic, next++)]);
    }),
  );
  await counter.done;
  const rate = stop();
  await sub.stop();
  return rate;
}

export interface PipelineResult {
  rate: Rate;
  p50: number;
  p99: number;
}

async function pipeline(bus: EmbeddedBus, o: EmbeddedBenchOptions): Promise<PipelineResult> {
  const { records } = o;
  const topics = Array.from({ length: 5 }, (_, i) => topicName(`hop${i + 1}`));
  await bus.ensureTopics(topics.map((name) => ({ name, partitions: o.partitions })));
  const counter = countUntil(records);
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
  const stop = startClock(records);
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < records) await bus.publish([loginRecord(topics[0]!, next++)]);
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

/** Medians over the runs: records/s (wall clock and per CPU-second) and the 5-hop latency. */
export interface EmbeddedBenchResult {
  dataDir: string;
  batch: Rate;
  single: Rate;
  pipeline: Rate;
  p50: number;
  p99: number;
}

/**
 * Runs the three scenarios `runs` times on one embedded log on PGlite in a temporary directory
 * (removed afterwards) and returns the medians.
 */
export async function runEmbeddedBench(o: EmbeddedBenchOptions): Promise<EmbeddedBenchResult> {
  const log = o.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), "loginguard-bench-"));
  let db: Database | undefined;
  try {
    db = await openDatabase({ dataDir: dir });
    const bus = await createEmbeddedBus({ db, logger: silentLogger() });
    log(
      `embedded log on PGlite (${dir}): ${o.records} records per run, ${o.runs} runs, ${o.partitions} partitions`,
    );
    const results: Record<string, number[]> = {};
    const add = (name: string, value: number) => {
      results[name] = [...(results[name] ?? []), value];
    };
    for (let run = 1; run <= o.runs; run++) {
      const b = await batchPublish(bus, o);
      const s = await singlePublish(bus, o);
      const p = await pipeline(bus, o);
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
      log(
        `run ${run}: batch ${fmt(b.wall)} rec/s, single ${fmt(s.wall)} rec/s, 5-hop ${fmt(p.rate.wall)} rec/s ` +
          `(p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms)`,
      );
    }
    await bus.close();
    const m = (name: string) => median(results[name] ?? [0]);
    const rate = (name: string): Rate => ({ wall: m(`${name}.wall`), cpu: m(`${name}.cpu`) });
    return {
      dataDir: dir,
      batch: rate("batch"),
      single: rate("single"),
      pipeline: rate("pipeline"),
      p50: m("p50"),
      p99: m("p99"),
    };
  } finally {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      records: { type: "string", default: "50000" },
      runs: { type: "string", default: "3" },
      partitions: { type: "string", default: "4" },
      quick: { type: "boolean", default: false },
    },
  });
  const options: EmbeddedBenchOptions = {
    records: args.quick ? QUICK_EMBEDDED.records : Number(args.records),
    runs: args.quick ? QUICK_EMBEDDED.runs : Number(args.runs),
    partitions: Number(args.partitions),
    log: (line) => console.log(line),
  };
  const r = await runEmbeddedBench(options);
  console.log("\nmedians                                 records/s   records per CPU-second");
  console.log(
    `batch publish -> consume                ${fmt(r.batch.wall).padStart(9)}   ${fmt(r.batch.cpu).padStart(9)}`,
  );
  console.log(
    `single-record publish x64 -> consume    ${fmt(r.single.wall).padStart(9)}   ${fmt(r.single.cpu).padStart(9)}`,
  );
  console.log(
    `5-hop pipeline end to end               ${fmt(r.pipeline.wall).padStart(9)}   ${fmt(r.pipeline.cpu).padStart(9)}`,
  );
  console.log(`5-hop latency p50 / p99 (ms)            ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)}`);
  console.log("(records per CPU-second = what one free core sustains; it ignores other load on the machine)");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
