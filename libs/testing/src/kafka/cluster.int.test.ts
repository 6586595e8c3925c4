import { connect } from "node:net";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireComponents } from "../components";
import { kcatConsume, kcatProduce } from "../kcat";
import { type KafkaCluster, startKafkaCluster } from "./index";

const missing = requireComponents("java", "maven", "kcat");

function refuses(address: string): Promise<boolean> {
  const [host, port] = address.split(":");
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(missing.skip)("Apache Kafka test cluster, one node", () => {
  let cluster: KafkaCluster;

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startKafkaCluster({ topics: [{ name: "fixture.preset", partitions: 2 }] });
    console.log(`[kafka fixture] one node ready in ${Date.now() - started} ms`);
  });
  afterAll(async () => {
    await cluster?.stopAll();
  });

  it("listens on one loopback address", () => {
    expect(cluster.bootstrap).toHaveLength(1);
    expect(cluster.bootstrap[0]).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("creates topics through the admin API and refuses a duplicate", async () => {
    await cluster.createTopic("fixture.created", 12, 1, { "cleanup.policy": "compact" });
    await expect(cluster.createTopic("fixture.created", 12)).rejects.toThrow(/already exists/);
    const admin = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: ["fixture.created"] });
      expect(topics[0]?.partitions).toHaveLength(12);
      const configs = await admin.describeConfigs({
        resources: [{ type: 2, name: "fixture.created", configNames: ["cleanup.policy"] }],
        includeSynonyms: false,
      });
      expect(configs.resources[0]?.configEntries[0]?.configValue).toBe("compact");
    } finally {
      await admin.disconnect();
    }
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
    const acc = records.filter((r) => r.key === "acc-1");
    expect(new Set(acc.map((r) => r.partition)).size).toBe(1);
    expect(acc.map((r) => r.offset)).toEqual([...acc.map((r) => r.offset)].sort((a, b) => a - b));
  });

  it("reads an empty topic to its end", async () => {
    expect(await kcatConsume(cluster.bootstrap, "fixture.preset")).toEqual([]);
  });

  it("keeps its data across SIGTERM and start", async () => {
    await kcatProduce(cluster.bootstrap, "fixture.preset", [
      { key: "k", value: "before restart", partition: 0 },
    ]);
    await cluster.stop(1);
    expect(await refuses(cluster.bootstrap[0] as string)).toBe(true);
    const started = Date.now();
    await cluster.start(1);
    console.log(`[kafka fixture] one node restarted in ${Date.now() - started} ms`);
    const records = await kcatConsume(cluster.bootstrap, "fixture.preset", { partition: 0 });
    expect(records.map((r) => r.value)).toEqual(["before restart"]);
  });
});

describe.skipIf(missing.skip)("Apache Kafka test cluster, three nodes", () => {
  let cluster: KafkaCluster;

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startKafkaCluster({ brokers: 3 });
    console.log(`[kafka fixture] three nodes ready in ${Date.now() - started} ms`);
  });
  afterAll(async () => {
    await cluster?.stopAll();
  });

  it("replicates three times with min.insync.replicas=2", async () => {
    expect(cluster.bootstrap).toHaveLength(3);
    await cluster.createTopic("fixture.replicated", 3);
    const admin = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: ["fixture.replicated"] });
      for (const p of topics[0]?.partitions ?? []) expect(p.replicas).toHaveLength(3);
      const configs = await admin.describeConfigs({
        resources: [{ type: 2, name: "fixture.replicated", configNames: ["min.insync.replicas"] }],
        includeSynonyms: false,
      });
      expect(configs.resources[0]?.configEntries[0]?.configValue).toBe("2");
    } finally {
      await admin.disconnect();
    }
    expect([1, 2, 3]).toContain(await cluster.leaderOf("fixture.replicated", 0));
  });

  it("elects a new leader when the leader is SIGKILLed, and takes it back on its old data", async () => {
    await cluster.createTopic("fixture.failover", 1);
    await kcatProduce(cluster.bootstrap, "fixture.failover", [{ key: "k", value: "one" }]);
    const leader = await cluster.leaderOf("fixture.failover", 0);
    await cluster.kill(leader);
    const address = cluster.bootstrap[leader - 1] as string;
    expect(await refuses(address)).toBe(true);
    const killedAt = Date.now();
    const next = await waitFor("a new leader", async () => {
      const now = await cluster.leaderOf("fixture.failover", 0);
      return now !== leader && now > 0 ? now : undefined;
    });
    console.log(
      `[kafka fixture] leader ${leader} SIGKILLed, ${next} leads after ${Date.now() - killedAt} ms`,
    );
    // Two of three replicas in sync: still enough for acks=all.
    const alive = cluster.bootstrap.filter((a) => a !== address);
    await kcatProduce(alive, "fixture.failover", [{ key: "k", value: "two" }]);
    const started = Date.now();
    await cluster.start(leader);
    await cluster.waitInSync("fixture.failover");
    console.log(`[kafka fixture] node ${leader} back in sync after ${Date.now() - started} ms`);
    expect(await refuses(address)).toBe(false);
    const records = await kcatConsume(cluster.bootstrap, "fixture.failover");
    expect(records.map((r) => r.value)).toEqual(["one", "two"]);
  });

  it("stops one node with SIGTERM and the others keep serving", async () => {
    await cluster.stop(3);
    expect(await refuses(cluster.bootstrap[2] as string)).toBe(true);
    await cluster.createTopic("fixture.two-up", 2, 2);
    await kcatProduce(cluster.bootstrap.slice(0, 2), "fixture.two-up", [{ key: "a", value: "x" }]);
    expect((await kcatConsume(cluster.bootstrap.slice(0, 2), "fixture.two-up")).map((r) => r.value)).toEqual([
      "x",
    ]);
    await cluster.start(3);
    expect(cluster.logs(3)).toContain("--- node 3 ---");
    await expect(cluster.stop(4)).rejects.toThrow(/no Kafka node 4/);
  });

  it("tears everything down, and a second stopAll is a no-op", async () => {
    const other = await startKafkaCluster({ brokers: 1 });
    await other.stopAll();
    await other.stopAll();
    expect(await refuses(other.bootstrap[0] as string)).toBe(true);
  });
});
