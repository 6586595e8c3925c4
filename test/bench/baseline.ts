import { createInterface } from "node:readline";
import type { Bus, OutgoingRecord } from "@loginguard/bus";
import type { KafkaCluster } from "@loginguard/testing/kafka";
import { loginRecord } from "../../libs/bus/bench/embedded.bench.ts";
import { type CommittedCount, embeddedCommitted, waitForCommitted } from "./completion.ts";
import { type Child, spawnAll, spawnReady } from "./procs.ts";

/**
 * The bare baseline's four hops with no work, mirroring the pipeline's: a publisher (ingest's
 * place) appends to t1; hop 2 (ip-checker's place) republishes each batch to t2; hop 3 (the
 * logger's) to t3; hop 4 (account-security's) consumes t3 and commits. Nothing is decoded,
 * validated, looked up or stored.
 */
export interface BaselineHops {
  first: string;
  /** Records hop 4 has committed on t3. */
  committed: CommittedCount;
  /** The hops' own processes (none when they run in this one). */
  pids: Array<{ name: string; pid: number }>;
  /** p50/p99 (ms) from publish to hop 4 since the last call, then forgets them. */
  takeLatency(): Promise<{ p50: number; p99: number; count: number }>;
  stop(): Promise<void>;
}

const hopTopics = (run: string) => [1, 2, 3].map((i) => `bench.base.${run}.t${i}`);
const epochNow = () => performance.timeOrigin + performance.now();

/** The hops in this process on the embedded log (one process, as embedded mode runs). */
export async function embeddedHops(bus: Bus, run: string, partitions: number): Promise<BaselineHops> {
  const [t1, t2, t3] = hopTopics(run) as [string, string, string];
  await bus.ensureTopics([t1, t2, t3].map((name) => ({ name, partitions })));
  let latencies: number[] = [];
  const relay = (from: string, to: string) =>
    bus.subscribe({
      group: `${from}.hop`,
      topics: [from],
      handleBatch: (b) =>
        bus.publish(b.records.map((r) => ({ topic: to, key: r.key, value: r.value, headers: r.headers }))),
    });
  const subs = [
    await relay(t1, t2),
    await relay(t2, t3),
    await bus.subscribe({
      group: `${t3}.sink`,
      topics: [t3],
      async handleBatch(b) {
        const now = epochNow();
        for (const r of b.records) latencies.push(now - Number(r.headers.sent_at));
      },
    }),
  ];
  return {
    first: t1,
    committed: embeddedCommitted(bus, `${t3}.sink`, t3),
    pids: [],
    async takeLatency() {
      const taken = summarize(latencies);
      latencies = [];
      return taken;
    },
    async stop() {
      for (const s of subs) await s.stop();
    },
  };
}

/** The hops as three processes on the Kafka cluster (one process per stage, as distributed mode runs). */
export async function kafkaHops(
  cluster: KafkaCluster,
  committedOf: (group: string, topic: string) => CommittedCount,
  run: string,
  partitions: number,
): Promise<BaselineHops> {
  const [t1, t2, t3] = hopTopics(run) as [string, string, string];
  for (const t of [t1, t2, t3]) await cluster.createTopic(t, partitions, 3);
  const brokers = cluster.bootstrap.join(",");
  const maxWait: Record<string, string> = process.env.HOP_MAX_WAIT_MS
    ? { HOP_MAX_WAIT_MS: process.env.HOP_MAX_WAIT_MS }
    : {};
  const children: Child[] = await spawnAll([
    () =>
      spawnReady("hop2", "./hop-child.ts", {
        ...maxWait,
        KAFKA_BROKERS: brokers,
        HOP_FROM: t1,
        HOP_TO: t2,
        HOP_GROUP: `${t1}.hop`,
      }),
    () =>
      spawnReady("hop3", "./hop-child.ts", {
        ...maxWait,
        KAFKA_BROKERS: brokers,
        HOP_FROM: t2,
        HOP_TO: t3,
        HOP_GROUP: `${t2}.hop`,
      }),
    () =>
      spawnReady("hop4", "./hop-child.ts", {
        ...maxWait,
        KAFKA_BROKERS: brokers,
        HOP_FROM: t3,
        HOP_GROUP: `${t3}.sink`,
      }),
  ]);
  const sink = children[2]!;
  const reports: Array<(line: string) => void> = [];
  createInterface({ input: sink.process.stdout! }).on("line", (line) => {
    if (line.startsWith("LATENCY ")) reports.shift()?.(line.slice(8));
  });
  return {
    first: t1,
    committed: committedOf(`${t3}.sink`, t3),
    pids: children.map((c) => ({ name: c.name, pid: c.pid })),
    takeLatency: () =>
      new Promise((resolve) => {
        reports.push((line) => {
          const r = JSON.parse(line) as { p50: number | null; p99: number | null; count: number };
          resolve({ p50: r.p50 ?? Number.NaN, p99: r.p99 ?? Number.NaN, count: r.count });
        });
        sink.process.stdin!.write("report\n");
      }),
    async stop() {
      await Promise.all(children.map((c) => c.stop()));
    },
  };
}

function summarize(samples: number[]): { p50: number; p99: number; count: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return { p50: q(0.5), p99: q(0.99), count: sorted.length };
}

let seq = 0;
/** A login.attempted-sized record stamped with its publish time (epoch ms, across processes). */
function stamped(topic: string): OutgoingRecord {
  const record = loginRecord(topic, seq++);
  return { ...record, headers: { ...record.headers, sent_at: String(epochNow()) } };
}

/**
 * Peak: `records` records published as fast as the log acknowledges (`publishers` loops of
 * `batch`-record publishes, ingest's shape under batched HTTP load), until hop 4 committed them.
 */
export async function baselinePeak(
  bus: Bus,
  hops: BaselineHops,
  o: { records: number; publishers: number; batch: number; timeoutMs: number },
): Promise<{ perSecond: number; p50: number; p99: number }> {
  const before = await hops.committed();
  await hops.takeLatency();
  const started = epochNow();
  let next = 0;
  await Promise.all(
    Array.from({ length: o.publishers }, async () => {
      while (next < o.records) {
        const count = Math.min(o.batch, o.records - next);
        next += count;
        await bus.publish(Array.from({ length: count }, () => stamped(hops.first)));
      }
    }),
  );
  const done = await waitForCommitted(hops.committed, before + o.records, o.timeoutMs);
  const latency = await hops.takeLatency();
  return { perSecond: o.records / ((done - started) / 1000), p50: latency.p50, p99: latency.p99 };
}

/** Open loop: publishes of `batch` records, `rate` records per second for `seconds`; latency to hop 4. */
export async function baselineAtRate(
  bus: Bus,
  hops: BaselineHops,
  o: { rate: number; batch: number; seconds: number; timeoutMs: number },
): Promise<{ p50: number; p99: number; count: number }> {
  const before = await hops.committed();
  await hops.takeLatency();
  const publishes = Math.max(1, Math.round((o.rate * o.seconds) / o.batch));
  const started = epochNow();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < publishes; i++) {
    const wait = started + (i * 1000 * o.batch) / o.rate - epochNow();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(bus.publish(Array.from({ length: o.batch }, () => stamped(hops.first))));
  }
  await Promise.all(pending);
  await waitForCommitted(hops.committed, before + publishes * o.batch, o.timeoutMs);
  return hops.takeLatency();
}
