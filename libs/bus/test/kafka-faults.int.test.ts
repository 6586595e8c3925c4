import { requireComponents } from "@loginguard/testing";
import { type KafkaTestCluster, startKafkaCluster } from "@loginguard/testing/kafka-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../src/bus";
import {
  type Collector,
  collect,
  collector,
  makeRecords,
  sleep,
  testKafkaBus,
  uniqueName,
  waitFor,
} from "./kafka-fixture";

const missing = requireComponents("librdkafka", "cc");

describe.skipIf(missing.skip)("Kafka bus with a broker down (Kafka-protocol test cluster)", () => {
  let cluster: KafkaTestCluster;
  let producerBus: Bus;
  let consumerBus: Bus;

  beforeAll(async () => {
    cluster = await startKafkaCluster({ brokers: 3 });
    producerBus = testKafkaBus(cluster, { clientId: "faults-producer" });
    consumerBus = testKafkaBus(cluster, { clientId: "faults-consumer" });
  });
  afterAll(async () => {
    await producerBus?.close();
    await consumerBus?.close();
    await cluster?.stop();
  });

  it("consumes every acknowledged record when one of three brokers is down for seconds mid-stream", async () => {
    const topic = uniqueName("faults");
    await cluster.createTopic(topic, 12, 3);
    // One group whose coordinator is the broker that goes down (its members lose their session
    // and rejoin), one whose coordinator stays up (only its fetches from broker 2 stall).
    const groups = [uniqueName("g-coord-down"), uniqueName("g-coord-up")];
    await cluster.setGroupCoordinator(groups[0]!, 2);
    await cluster.setGroupCoordinator(groups[1]!, 1);
    const seen: Collector[] = groups.map(() => collector());
    const subs = await Promise.all(
      groups.map((group, i) => collect(consumerBus, { group, topics: [topic] }, seen[i])),
    );

    const acked = new Set<string>();
    let rejected = 0;
    let slowest = 0;
    let next = 0;
    let done = false;
    const publisher = async () => {
      while (!done) {
        const records = makeRecords(topic, 25, 200, next);
        next += 25;
        // Like the stage runtime: retry a rejected publish until it is acknowledged.
        for (;;) {
          const started = Date.now();
          try {
            await producerBus.publish(records);
            slowest = Math.max(slowest, Date.now() - started);
            for (const r of records) acked.add(r.headers.seq ?? "");
            break;
          } catch {
            rejected++;
            await sleep(200);
          }
        }
        await sleep(10);
      }
    };
    const publishing = Promise.all([publisher(), publisher(), publisher(), publisher()]);

    await waitFor(
      () => seen.every((s) => s.records.length > 300),
      () => `consumed before the fault: ${seen.map((s) => s.records.length).join(", ")}`,
    );
    await cluster.brokerDown(2);
    await sleep(3_000);
    await cluster.brokerUp(2);
    await sleep(1_000);
    done = true;
    await publishing;
    const total = next;

    for (const [i, s] of seen.entries()) {
      const notConsumed = () => {
        const seqs = s.seqs();
        return [...acked].filter((seq) => !seqs.has(seq));
      };
      await waitFor(
        () => notConsumed().length === 0,
        () => `${groups[i]}: ${notConsumed().length} of ${acked.size} acknowledged records not consumed`,
        60_000,
      );
    }
    await Promise.all(subs.map((s) => s.stop()));
    expect(acked.size).toBe(total);
    for (const s of seen) {
      // Duplicates are allowed (at-least-once); losses are not.
      expect(s.seqs().size).toBe(total);
      expect(s.records.length).toBeGreaterThanOrEqual(total);
    }
    // The outage was felt: some publish waited for broker 2 (kafkajs retries) or was rejected.
    expect(slowest >= 1_000 || rejected > 0, `slowest publish ${slowest} ms, ${rejected} rejected`).toBe(
      true,
    );
  });
});
