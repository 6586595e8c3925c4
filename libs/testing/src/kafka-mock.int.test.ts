import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireComponents } from "./components";
import { KafkaApiKey, KafkaErrorCode, type KafkaTestCluster, startKafkaCluster } from "./kafka-mock";
import { kcatConsume, kcatProduce } from "./kcat";

const missing = requireComponents("librdkafka", "cc", "kcat");

describe.skipIf(missing.skip)("Kafka-protocol test cluster (librdkafka mock)", () => {
  let cluster: KafkaTestCluster;

  beforeAll(async () => {
    cluster = await startKafkaCluster({ brokers: 3, topics: [{ name: "fixture.preset", partitions: 2 }] });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("prints one loopback address per broker", () => {
    expect(cluster.bootstrap).toHaveLength(3);
    for (const address of cluster.bootstrap) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("creates topics and refuses a duplicate", async () => {
    await cluster.createTopic("fixture.created", 12);
    await expect(cluster.createTopic("fixture.created", 12)).rejects.toThrow(/TOPIC_ALREADY_EXISTS/);
    await expect(cluster.createTopic("bad name", 1)).rejects.toThrow(/invalid topic or group name/);
  });

  it("round-trips records with keys and headers through kcat", async () => {
    await cluster.createTopic("fixture.kcat", 3);
    await kcatProduce(cluster.bootstrap, "fixture.kcat", [
      { key: "acc-1", value: '{"n":1}', headers: { ce_id: "id-1", "content-type": "application/json" } },
      { key: "acc-1", value: '{"n":2}\nsecond line', headers: { ce_id: "id-2" } },
      { key: null, value: "no key", partition: 2 },
    ]);
    const records = await kcatConsume(cluster.bootstrap, "fixture.kcat", { count: 3 });
    const byValue = new Map(records.map((r) => [r.value, r]));
    expect(byValue.get('{"n":1}')).toMatchObject({
      key: "acc-1",
      headers: { ce_id: "id-1", "content-type": "application/json" },
    });
    expect(byValue.get('{"n":2}\nsecond line')).toMatchObject({ key: "acc-1", headers: { ce_id: "id-2" } });
    expect(byValue.get("no key")).toMatchObject({ key: null, partition: 2, headers: {} });
    // One key, one partition, in order.
    const acc = records.filter((r) => r.key === "acc-1");
    expect(new Set(acc.map((r) => r.partition)).size).toBe(1);
    expect(acc.map((r) => r.offset)).toEqual([...acc.map((r) => r.offset)].sort((a, b) => a - b));
  });

  it("reads to the end without a count", async () => {
    const records = await kcatConsume(cluster.bootstrap, "fixture.preset");
    expect(records).toEqual([]);
  });

  it("answers OK to broker, leader and error-injection commands", async () => {
    await cluster.brokerDown(2);
    await cluster.brokerUp(2);
    await cluster.setLeader("fixture.preset", 0, 3);
    await cluster.pushRequestErrors(KafkaApiKey.Produce, KafkaErrorCode.NOT_ENOUGH_REPLICAS, 2);
    await cluster.setRtt(1, 0);
    await cluster.setGroupCoordinator("fixture.group", 2);
    // kcat's producer retries the injected NOT_ENOUGH_REPLICAS and still gets the record in.
    await kcatProduce(cluster.bootstrap, "fixture.preset", [
      { key: "k", value: "after errors", partition: 0 },
    ]);
    const records = await kcatConsume(cluster.bootstrap, "fixture.preset", { count: 1, partition: 0 });
    expect(records[0]?.value).toBe("after errors");
    await expect(cluster.brokerDown(99)).rejects.toThrow(/failed/);
  });

  it("stops, and refuses commands afterwards", async () => {
    const other = await startKafkaCluster({ brokers: 1 });
    await other.stop();
    await other.stop();
    await expect(other.createTopic("x", 1)).rejects.toThrow(/not running/);
  });
});
