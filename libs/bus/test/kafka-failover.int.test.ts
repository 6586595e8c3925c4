import { metrics, silentLogger } from "@loginguard/observability";
import { requireComponents } from "@loginguard/testing";
import { type KafkaCluster, startKafkaCluster } from "@loginguard/testing/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus, BusRecord } from "../src/bus";
import { createKafkaBus, type KafkaBusOptions } from "../src/kafka";
import { makeRecords, sleep, uniqueName, waitFor } from "./kafka-fixture";
import { seqsOf, steadyLoad } from "./kafka-load";

const missing = requireComponents("java", "maven");

const SESSION_TIMEOUT_MS = 3_000;

/** The Kafka bus with test-sized group timings, on the real cluster. */
function bus(cluster: KafkaCluster, overrides: Partial<KafkaBusOptions> = {}): Bus {
  return createKafkaBus({
    brokers: cluster.bootstrap,
    clientId: uniqueName("failover"),
    logger: silentLogger(),
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: 300,
    rebalanceTimeoutMs: 5_000,
    maxWaitTimeMs: 50,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
    ackTimeoutMs: 10_000,
    ...overrides,
  });
}

describe.skipIf(missing.skip)("Kafka driver on a real three-node cluster: failover", () => {
  let cluster: KafkaCluster;
  const buses: Bus[] = [];
  const newBus = (overrides: Partial<KafkaBusOptions> = {}) => {
    const b = bus(cluster, overrides);
    buses.push(b);
    return b;
  };

  beforeAll(async () => {
    cluster = await startKafkaCluster({ brokers: 3 });
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled(buses.map((b) => b.close()));
    await cluster?.stopAll();
  });

  // The driver's producer as configured (not idempotent: bench/kafka-idempotence.ts tries both).
  // Before the driver resent whole batches itself, kafkajs's own retry lost acknowledged records
  // here in 2 of 3 runs (9 and 18 of ~15,000 missing from the log).
  for (const idempotent of [false]) {
    it(`idempotent=${idempotent}: the leader of a partition being written is SIGKILLed and restarted; every acknowledged record is consumed`, async () => {
      const topic = uniqueName(`failover-${idempotent}`);
      await cluster.createTopic(topic, 3, 3, { "min.insync.replicas": "2" });
      const producer = newBus({ idempotent });
      const consumer = newBus();
      const seen: BusRecord[] = [];
      await consumer.subscribe({
        group: uniqueName("g-failover"),
        topics: [topic],
        handleBatch: async (batch) => {
          seen.push(...batch.records);
        },
      });
      const load = steadyLoad(producer, topic);
      await waitFor(
        () => load.acked.size >= 1_000,
        () => `acked ${load.acked.size}`,
        60_000,
      );
      const leader = await cluster.leaderOf(topic, 0);
      const killedAt = Date.now();
      await cluster.kill(leader);
      const ackedAtKill = load.acked.size;
      await waitFor(
        () => load.acked.size >= ackedAtKill + 1_000,
        () => `acked ${load.acked.size}`,
        60_000,
      );
      const resumedMs = Date.now() - killedAt;
      await cluster.start(leader);
      await cluster.waitInSync(topic, 60_000);
      await sleep(1_000);
      await load.stop();

      await waitFor(
        () => new Set(seqsOf(seen)).size >= load.acked.size,
        () => `consumed ${new Set(seqsOf(seen)).size} of ${load.acked.size} acknowledged`,
        30_000,
      ).catch(async (err: unknown) => {
        // Tell "not in the log" (lost) from "in the log, not delivered" (a consumer that stalled).
        const reread: BusRecord[] = [];
        const fresh = await consumer.subscribe({
          group: uniqueName("g-reread"),
          topics: [topic],
          handleBatch: async (batch) => {
            reread.push(...batch.records);
          },
        });
        await sleep(10_000);
        await fresh.stop();
        const inLog = new Set(seqsOf(reread));
        const seenSet = new Set(seqsOf(seen));
        const missing = [...load.acked].filter((s) => !seenSet.has(s));
        const where = new Map<string, number>();
        for (const r of reread) where.set(r.headers.seq!, r.partition);
        const byPartition = new Map<number, number>();
        for (const r of seen)
          byPartition.set(r.partition, Math.max(byPartition.get(r.partition) ?? -1, Number(r.offset)));
        throw new Error(
          `${String(err)}; of ${missing.length} missing, ${missing.filter((s) => inLog.has(s)).length} are in the log ` +
            `(partitions ${[...new Set(missing.map((s) => where.get(s)))].join(",")}); a fresh group read ${reread.length} records; ` +
            `highest offset consumed per partition ${JSON.stringify([...byPartition])}; missing ${missing.slice(0, 20).join(",")}`,
        );
      });
      await sleep(1_000); // anything still arriving would be a duplicate
      // What the log itself holds, read by a fresh group: duplicates there come from producer
      // retries; the rest of the consumer's duplicates are redeliveries of uncommitted records.
      const inLog: BusRecord[] = [];
      const reread = await consumer.subscribe({
        group: uniqueName("g-log"),
        topics: [topic],
        handleBatch: async (batch) => {
          inLog.push(...batch.records);
        },
      });
      await waitFor(
        () => new Set(seqsOf(inLog)).size >= load.acked.size,
        () => `the log holds ${new Set(seqsOf(inLog)).size} of ${load.acked.size}`,
        30_000,
      );
      await sleep(1_000);
      await reread.stop();
      const logDuplicates = inLog.length - new Set(seqsOf(inLog)).size;
      const consumed = seqsOf(seen);
      const distinct = new Set(consumed);
      const lost = [...load.acked].filter((s) => !distinct.has(s));
      const duplicates = consumed.length - distinct.size;
      console.log(
        `[failover idempotent=${idempotent}] leader ${leader} of ${topic}/0 SIGKILLed: ` +
          `${load.acked.size} acknowledged, ${consumed.length} consumed, ${lost.length} lost, ` +
          `${duplicates} duplicates consumed (${logDuplicates} of them in the log: producer retries; the rest redeliveries), ` +
          `${load.rejected()} publish calls rejected and retried, ` +
          `1000 more acknowledged ${resumedMs} ms after the kill`,
      );
      expect(lost).toEqual([]);
      // Nothing consumed that no publisher sent.
      expect([...distinct].every((s) => Number(s) < load.acked.size + 1_000)).toBe(true);
    }, 240_000);
  }

  it("samples consumer lag per group, topic and partition into the embedded driver's gauge", async () => {
    const topic = uniqueName("lag");
    const group = uniqueName("g-lag");
    await cluster.createTopic(topic, 2, 3);
    const b = newBus({ lagSampleIntervalMs: 200 });
    await b.publish(makeRecords(topic, 100, 10));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let handled = 0;
    const sub = await b.subscribe({
      group,
      topics: [topic],
      maxBatchRecords: 1,
      handleBatch: async (batch) => {
        await gate;
        handled += batch.records.length;
      },
    });
    const lagNow = async () => {
      const { values } = await metrics.consumerLag.get();
      return values.filter((v) => v.labels.group === group && v.labels.topic === topic);
    };
    let sampled: Awaited<ReturnType<typeof lagNow>> = [];
    for (let i = 0; i < 100 && sampled.reduce((s, v) => s + v.value, 0) !== 100; i++) {
      await sleep(100);
      sampled = await lagNow();
    }
    expect(sampled.map((v) => v.labels.partition).sort()).toEqual(["0", "1"]);
    expect(sampled.reduce((s, v) => s + v.value, 0)).toBe(100);
    release();
    await waitFor(
      () => handled === 100,
      () => `handled ${handled}`,
    );
    for (let i = 0; i < 100 && (await lagNow()).some((v) => v.value !== 0); i++) await sleep(100);
    expect((await lagNow()).map((v) => v.value)).toEqual([0, 0]);
    await sub.stop();
    expect(await lagNow()).toEqual([]);
  }, 60_000);
});
