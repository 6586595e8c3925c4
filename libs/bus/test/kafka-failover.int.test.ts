import { metrics, silentLogger } from "@loginguard/observability";
import { requireComponents } from "@loginguard/testing";
import { type KafkaCluster, startKafkaCluster } from "@loginguard/testing/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus, BusRecord } from "../src/bus";
import { createKafkaBus, type KafkaBusOptions } from "../src/kafka";
import { type Child, spawnFixture } from "./embedded-fixture";
import { makeRecords, sleep, uniqueName, waitFor } from "./kafka-fixture";

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

/**
 * Publishes numbered records from `publishers` concurrent loops until `stop()`, like the stage
 * runtime does: a rejected publish is retried with the same records until acknowledged.
 */
function steadyLoad(producer: Bus, topic: string, publishers = 4, perCall = 20) {
  const acked = new Set<string>();
  let rejected = 0;
  let next = 0;
  let done = false;
  const loops = Array.from({ length: publishers }, async () => {
    while (!done) {
      const records = makeRecords(topic, perCall, 97, next);
      next += perCall;
      for (;;) {
        try {
          await producer.publish(records);
          for (const r of records) acked.add(r.headers.seq!);
          break;
        } catch {
          rejected++;
          await sleep(200);
        }
      }
      await sleep(5);
    }
  });
  return {
    acked,
    rejected: () => rejected,
    async stop() {
      done = true;
      await Promise.all(loops);
    },
  };
}

const seqsOf = (records: BusRecord[]) => records.map((r) => r.headers.seq!);

describe.skipIf(missing.skip)("Kafka driver on a real three-node cluster: failover", () => {
  let cluster: KafkaCluster;
  const buses: Bus[] = [];
  const children: Child[] = [];
  const newBus = (overrides: Partial<KafkaBusOptions> = {}) => {
    const b = bus(cluster, overrides);
    buses.push(b);
    return b;
  };

  beforeAll(async () => {
    cluster = await startKafkaCluster({ brokers: 3 });
  }, 180_000);
  afterAll(async () => {
    for (const c of children) await c.kill9();
    await Promise.allSettled(buses.map((b) => b.close()));
    await cluster?.stopAll();
  });

  // kafkajs #1005 reports silent loss from its idempotent producer with concurrent sends; the Bus
  // has one send in flight per producer, so both settings are tried under the same fault.
  for (const idempotent of [false, true]) {
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
        60_000,
      );
      await sleep(1_000); // anything still arriving would be a duplicate
      const consumed = seqsOf(seen);
      const distinct = new Set(consumed);
      const lost = [...load.acked].filter((s) => !distinct.has(s));
      const duplicates = consumed.length - distinct.size;
      console.log(
        `[failover idempotent=${idempotent}] leader ${leader} of ${topic}/0 SIGKILLed: ` +
          `${load.acked.size} acknowledged, ${consumed.length} consumed, ${lost.length} lost, ` +
          `${duplicates} duplicates, ${load.rejected()} publish calls rejected and retried, ` +
          `1000 more acknowledged ${resumedMs} ms after the kill`,
      );
      expect(lost).toEqual([]);
      // Nothing consumed that no publisher sent.
      expect([...distinct].every((s) => Number(s) < load.acked.size + 1_000)).toBe(true);
    }, 240_000);
  }

  it("a group member SIGKILLed (no LeaveGroup): the other takes its partitions after the session timeout; every record processed", async () => {
    const topic = uniqueName("member-kill");
    const group = uniqueName("g-member");
    await cluster.createTopic(topic, 6, 3, { "min.insync.replicas": "2" });
    const producer = newBus();
    const here: Array<{ record: BusRecord; at: number }> = [];
    const consumer = newBus();
    await consumer.subscribe({
      group,
      topics: [topic],
      handleBatch: async (batch) => {
        const at = Date.now();
        for (const record of batch.records) here.push({ record, at });
      },
    });
    const child = spawnFixture("kafka-member-child", [
      cluster.bootstrap.join(","),
      topic,
      group,
      String(SESSION_TIMEOUT_MS),
    ]);
    children.push(child);
    await child.waitFor((lines) => lines.includes("ready"), 60_000);
    const load = steadyLoad(producer, topic, 2, 10);
    const childHandled = () =>
      child.lines.filter((l) => l.startsWith("H ")).map((l) => l.split(" ") as [string, string, string]);
    await waitFor(
      () => childHandled().length >= 20 && here.length >= 100,
      () => `child ${childHandled().length} batches, here ${here.length}`,
      60_000,
    );
    const childPartitions = new Set(childHandled().map(([, p]) => Number(p)));
    const ownPartitions = new Set(here.map((h) => h.record.partition));
    expect([...childPartitions].some((p) => ownPartitions.has(p))).toBe(false);

    const killedAt = Date.now();
    await child.kill9();
    await waitFor(
      () => here.some((h) => h.at > killedAt && childPartitions.has(h.record.partition)),
      () => "the surviving member never got the killed member's partitions",
      SESSION_TIMEOUT_MS + 30_000,
    );
    const takeoverMs =
      Math.min(
        ...here.filter((h) => h.at > killedAt && childPartitions.has(h.record.partition)).map((h) => h.at),
      ) - killedAt;
    await sleep(1_000);
    await load.stop();

    const processed = () =>
      new Set([
        ...seqsOf(here.map((h) => h.record)),
        ...childHandled().flatMap(([, , seqs]) => seqs.split(",")),
      ]);
    await waitFor(
      () => [...load.acked].every((s) => processed().has(s)),
      () =>
        `${[...load.acked].filter((s) => !processed().has(s)).length} acknowledged records never processed`,
      60_000,
    );
    const redelivered = seqsOf(here.map((h) => h.record)).filter((s) =>
      childHandled().some(([, , seqs]) => seqs.split(",").includes(s)),
    ).length;
    console.log(
      `[member kill] member owning partitions ${[...childPartitions].join(",")} SIGKILLed; the other member ` +
        `took over after ${takeoverMs} ms (session timeout ${SESSION_TIMEOUT_MS} ms); ` +
        `${load.acked.size} records, all processed, ${redelivered} processed by both (handled, not yet committed)`,
    );
    expect(takeoverMs).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS * 0.5);
  }, 180_000);

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
