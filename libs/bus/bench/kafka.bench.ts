// Throughput of the Kafka Bus driver against bare kafkajs, on the three-node Apache Kafka test
// cluster (@loginguard/testing/kafka):
//   npx tsx libs/bus/bench/kafka.bench.ts [--records 50000] [--runs 3] [--partitions 12]
//                                         [--publishers 8] [--batch 100] [--quick]
// Each run, on fresh topics and groups (the consumer joined before the clock starts):
//   bus:     `publishers` callers each publishing `batch`-record arrays in a loop through
//            Bus.publish (batched sendBatch, acks=-1) -> one Bus subscription (eachBatch, a
//            commit per handled chunk) counting records
//   kafkajs: the same callers on a bare kafkajs producer (`send`, acks=-1, no batching layer)
//            -> a bare kafkajs consumer (eachBatch, auto-resolve, auto-commit)
// Prints records/s produce->consume per run (and the rate at which publishes were acknowledged),
// the medians and bus/kafkajs. A short untimed round of each warms the JIT first.
// Also a module: `runKafkaBench(options)` runs the same rounds and returns the numbers
// (test/bench/bus.bench.ts prints them next to the other driver's).
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { silentLogger } from "@loginguard/observability";
import { type KafkaCluster, startKafkaCluster } from "@loginguard/testing/kafka";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import type { OutgoingRecord } from "../src/bus";
import { createKafkaBus } from "../src/kafka";

/** What to run: records per round, rounds (medians over them), and the publishing shape. */
export interface KafkaBenchOptions {
  records: number;
  runs: number;
  partitions: number;
  /** Concurrent publishing loops. */
  publishers: number;
  /** Records per publish call. */
  batch: number;
  /** A running cluster to use; default: a 3-broker test cluster started (and stopped) here. */
  cluster?: KafkaCluster;
  /** Progress lines (one per run). Default: none. */
  log?: (line: string) => void;
}

/** The settings of `--quick`: one round of 10,000 records. */
export const QUICK_KAFKA = { records: 10_000, runs: 1, partitions: 12, publishers: 8, batch: 100 };

let seq = 0;
const unique = (label: string) => `bench.${label}.${process.pid}.${++seq}`;

/** A login.attempted-like record: CloudEvents headers, a ~400-byte JSON value, accountId key. */
export function loginRecord(topic: string, n: number): OutgoingRecord {
  const accountId = `acc-${(n * 7919) % 100_000}`;
  const id = `0190f7c0-${String(n).padStart(12, "0")}-7bbb-8ccc-123456789abc`;
  const now = new Date().toISOString();
  const data = {
    eventId: id,
    accountId,
    occurredAt: now,
    ip: `203.0.${n % 256}.${(n >> 8) % 256}`,
    result: n % 10 === 0 ? "failure" : "success",
    gameId: "game-1",
    serverId: `srv-${n % 32}`,
    sessionId: `sess-${n.toString(36)}-abcdef0123456789`,
    deviceId: `dev-${(n * 31) % 5000}`,
    userAgent:
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0",
    receivedAt: now,
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
      ce_time: now,
      ce_subject: accountId,
      ce_correlationid: id,
      "content-type": "application/json",
    },
  };
}

/** Resolves once `total` records were counted. */
function counter(total: number) {
  let seen = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    add(n: number) {
      seen += n;
      if (seen >= total) resolve();
    },
    done,
  };
}

/** `publishers` loops, each sending `batch`-record arrays until `total` are out. */
async function publishAll(
  o: KafkaBenchOptions,
  topic: string,
  total: number,
  send: (records: OutgoingRecord[]) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: o.publishers }, async () => {
      while (next < total) {
        const from = next;
        const count = Math.min(o.batch, total - from);
        next += count;
        await send(Array.from({ length: count }, (_, i) => loginRecord(topic, from + i)));
      }
    }),
  );
}

export interface KafkaRoundResult {
  /** Records/s from the first publish until the last record was consumed. */
  endToEnd: number;
  /** Records/s from the first publish until the last publish was acknowledged. */
  produced: number;
}

async function runBus(
  cluster: KafkaCluster,
  o: KafkaBenchOptions,
  records = o.records,
): Promise<KafkaRoundResult> {
  const topic = unique("bus");
  await cluster.createTopic(topic, o.partitions);
  const bus = createKafkaBus({ brokers: cluster.bootstrap, clientId: "bench-bus", logger: silentLogger() });
  const count = counter(records);
  const sub = await bus.subscribe({
    group: unique("g"),
    topics: [topic],
    async handleBatch(batch) {
      count.add(batch.records.length);
    },
  });
  const started = performance.now();
  await publishAll(o, topic, records, (batch) => bus.publish(batch));
  const produced = records / ((performance.now() - started) / 1000);
  await count.done;
  const endToEnd = records / ((performance.now() - started) / 1000);
  await sub.stop();
  await bus.close();
  return { endToEnd, produced };
}

async function runKafkajs(
  cluster: KafkaCluster,
  o: KafkaBenchOptions,
  records = o.records,
): Promise<KafkaRoundResult> {
  const topic = unique("kafkajs");
  await cluster.createTopic(topic, o.partitions);
  const kafka = new Kafka({
    clientId: "bench-kafkajs",
    brokers: cluster.bootstrap,
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: unique("g"), maxWaitTimeInMs: 100 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const count = counter(records);
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    async eachBatch({ batch }) {
      count.add(batch.messages.length);
    },
  });
  const started = performance.now();
  await publishAll(o, topic, records, async (batch) => {
    await producer.send({
      topic,
      acks: -1,
      messages: batch.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
    });
  });
  const produced = records / ((performance.now() - started) / 1000);
  await count.done;
  const endToEnd = records / ((performance.now() - started) / 1000);
  await consumer.disconnect();
  await producer.disconnect();
  return { endToEnd, produced };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(9);

/** Medians over the rounds, per side. */
export interface KafkaBenchResult {
  bus: KafkaRoundResult;
  kafkajs: KafkaRoundResult;
  recordBytes: number;
}

/**
 * After an untimed warm-up round of each, runs `runs` rounds of the Bus driver and of bare
 * kafkajs on the same cluster, alternating, and returns the medians.
 */
export async function runKafkaBench(o: KafkaBenchOptions): Promise<KafkaBenchResult> {
  const log = o.log ?? (() => {});
  const cluster = o.cluster ?? (await startKafkaCluster({ brokers: 3 }));
  try {
    const recordBytes = loginRecord("t", 0).value?.length ?? 0;
    log(
      `Kafka bus benchmark: ${o.records} records of ~${recordBytes} bytes, ` +
        `${o.partitions} partitions, ${o.publishers} publishers x ${o.batch}-record publishes, 3-node Apache Kafka cluster`,
    );
    await runBus(cluster, o, 5_000);
    await runKafkajs(cluster, o, 5_000);
    log("run   bus e2e rec/s (acked)   kafkajs e2e rec/s (acked)");
    const bus: KafkaRoundResult[] = [];
    const bare: KafkaRoundResult[] = [];
    for (let run = 1; run <= o.runs; run++) {
      const b = await runBus(cluster, o);
      const k = await runKafkajs(cluster, o);
      bus.push(b);
      bare.push(k);
      log(
        `${String(run).padEnd(4)}${fmt(b.endToEnd)} (${fmt(b.produced)})   ${fmt(k.endToEnd)} (${fmt(k.produced)})`,
      );
    }
    const medianOf = (rs: KafkaRoundResult[]): KafkaRoundResult => ({
      endToEnd: median(rs.map((r) => r.endToEnd)),
      produced: median(rs.map((r) => r.produced)),
    });
    return { bus: medianOf(bus), kafkajs: medianOf(bare), recordBytes };
  } finally {
    if (!o.cluster) await cluster.stopAll();
  }
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      records: { type: "string", default: "50000" },
      runs: { type: "string", default: "3" },
      partitions: { type: "string", default: "12" },
      publishers: { type: "string", default: "8" },
      batch: { type: "string", default: "100" },
      quick: { type: "boolean", default: false },
    },
  });
  const r = await runKafkaBench({
    records: args.quick ? QUICK_KAFKA.records : Number(args.records),
    runs: args.quick ? QUICK_KAFKA.runs : Number(args.runs),
    partitions: Number(args.partitions),
    publishers: Number(args.publishers),
    batch: Number(args.batch),
    log: (line) => console.log(line),
  });
  console.log(
    `median${fmt(r.bus.endToEnd).slice(2)} (${fmt(r.bus.produced)})   ${fmt(r.kafkajs.endToEnd)} (${fmt(r.kafkajs.produced)})`,
  );
  console.log(`bus/kafkajs: ${(r.bus.endToEnd / r.kafkajs.endToEnd).toFixed(2)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
