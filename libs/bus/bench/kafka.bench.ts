// Throughput of the Kafka Bus driver against bare kafkajs, on the 3-broker Kafka-protocol test
// cluster (librdkafka mock, infra/kafka-mock):
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
import { parseArgs } from "node:util";
import { silentLogger } from "@loginguard/observability";
import { type KafkaTestCluster, startKafkaCluster } from "@loginguard/testing/kafka";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import type { OutgoingRecord } from "../src/bus";
import { createKafkaBus } from "../src/kafka";

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
const RECORDS = args.quick ? 10_000 : Number(args.records);
const RUNS = args.quick ? 1 : Number(args.runs);
const PARTITIONS = Number(args.partitions);
const PUBLISHERS = Number(args.publishers);
const BATCH = Number(args.batch);

let seq = 0;
const unique = (label: string) => `bench.${label}.${process.pid}.${++seq}`;

/** A login.attempted-like record: CloudEvents headers, a ~400-byte JSON value, accountId key. */
function loginRecord(topic: string, n: number): OutgoingRecord {
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

/** `PUBLISHERS` loops, each sending `BATCH`-record arrays until `total` are out. */
async function publishAll(
  topic: string,
  total: number,
  send: (records: OutgoingRecord[]) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PUBLISHERS }, async () => {
      while (next < total) {
        const from = next;
        const count = Math.min(BATCH, total - from);
        next += count;
        await send(Array.from({ length: count }, (_, i) => loginRecord(topic, from + i)));
      }
    }),
  );
}

interface Result {
  /** Records/s from the first publish until the last record was consumed. */
  endToEnd: number;
  /** Records/s from the first publish until the last publish was acknowledged. */
  produced: number;
}

async function runBus(cluster: KafkaTestCluster, records = RECORDS): Promise<Result> {
  const topic = unique("bus");
  await cluster.createTopic(topic, PARTITIONS);
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
  await publishAll(topic, records, (batch) => bus.publish(batch));
  const produced = records / ((performance.now() - started) / 1000);
  await count.done;
  const endToEnd = records / ((performance.now() - started) / 1000);
  await sub.stop();
  await bus.close();
  return { endToEnd, produced };
}

async function runKafkajs(cluster: KafkaTestCluster, records = RECORDS): Promise<Result> {
  const topic = unique("kafkajs");
  await cluster.createTopic(topic, PARTITIONS);
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
  await publishAll(topic, records, async (batch) => {
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

const cluster = await startKafkaCluster({ brokers: 3 });
try {
  console.log(
    `Kafka bus benchmark: ${RECORDS} records of ~${loginRecord("t", 0).value?.length} bytes, ` +
      `${PARTITIONS} partitions, ${PUBLISHERS} publishers x ${BATCH}-record publishes, 3-broker mock cluster`,
  );
  await runBus(cluster, 5_000);
  await runKafkajs(cluster, 5_000);
  console.log("run   bus e2e rec/s (acked)   kafkajs e2e rec/s (acked)");
  const bus: Result[] = [];
  const bare: Result[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const b = await runBus(cluster);
    const k = await runKafkajs(cluster);
    bus.push(b);
    bare.push(k);
    console.log(
      `${String(run).padEnd(4)}${fmt(b.endToEnd)} (${fmt(b.produced)})   ${fmt(k.endToEnd)} (${fmt(k.produced)})`,
    );
  }
  const busMedian = median(bus.map((r) => r.endToEnd));
  const bareMedian = median(bare.map((r) => r.endToEnd));
  console.log(
    `median${fmt(busMedian).slice(2)} (${fmt(median(bus.map((r) => r.produced)))})   ` +
      `${fmt(bareMedian)} (${fmt(median(bare.map((r) => r.produced)))})`,
  );
  console.log(`bus/kafkajs: ${(busMedian / bareMedian).toFixed(2)}`);
} finally {
  await cluster.stop();
}
