import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireComponents, testEnv } from "@loginguard/testing";
import { type KafkaTestCluster, startKafkaCluster } from "@loginguard/testing/kafka-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topicsCommand } from "./topics";

const missing = requireComponents("librdkafka", "cc");

/**
 * `loginguard topics apply` on the Kafka-protocol test cluster. The librdkafka mock has no
 * CreateTopics/CreatePartitions, so what is tested here is the plan, idempotency on topics that
 * exist, and the clear error when a topic cannot be created.
 */
describe.skipIf(missing.skip)("loginguard topics apply on Kafka", () => {
  let cluster: KafkaTestCluster;
  let dir: string;
  let file: string;
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await topicsCommand(["apply", "--file", file, ...args], {
      env: { KAFKA_BROKERS: cluster.bootstrap.join(",") },
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out, err };
  };
  const writeTopics = (topics: Array<{ name: string; partitions?: number }>) =>
    writeFileSync(
      file,
      JSON.stringify({ defaults: { partitions: 3, replicationFactor: 3, retentionMs: 86_400_000 }, topics }),
    );

  beforeAll(async () => {
    cluster = await startKafkaCluster({ brokers: 3 });
    dir = mkdtempSync(join(testEnv.tmpRoot, "loginguard-topics-kafka-"));
    file = join(dir, "topics.json");
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("plans without changing anything, and is idempotent once the topics exist", async () => {
    writeTopics([{ name: "orders.placed" }, { name: "orders.paid", partitions: 6 }]);
    await cluster.createTopic("orders.placed", 3);
    await cluster.createTopic("orders.placed.dlq", 3);
    await cluster.createTopic("orders.paid", 2);

    const plan = await run("--dry-run");
    expect(plan.code).toBe(0);
    expect(plan.out[0]).toMatch(/^topics apply --dry-run: .*topics\.json -> Kafka \(127\.0\.0\.1:\d+/);
    expect(plan.out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/would add partitions\s+orders\.paid \(2 -> 6 partitions\)/),
        expect.stringMatching(/would create\s+orders\.paid\.dlq \(6 partitions\)/),
        "dry run: would change 2 of 4 topics (1 to create, 1 to grow, 2 unchanged)",
      ]),
    );
    // The dry run created nothing (a Metadata request naming a topic would, on this cluster).
    expect((await run("--dry-run")).out.at(-1)).toBe(plan.out.at(-1));

    await cluster.createTopic("orders.paid.dlq", 3);
    writeTopics([{ name: "orders.placed" }, { name: "orders.paid", partitions: 2 }]);
    for (let i = 0; i < 2; i++) {
      const applied = await run();
      expect(applied.code).toBe(0);
      expect(applied.out.at(-1)).toBe("nothing changed: all 4 topics exist as declared");
    }
  });

  it("fails with a message naming what the cluster could not create", async () => {
    writeTopics([{ name: "orders.placed" }, { name: "refunds.issued" }]);
    const applied = await run();
    expect(applied.code).toBe(1);
    expect(applied.err.join("\n")).toMatch(
      /topics apply failed: Kafka topics could not be ensured; missing topics: refunds\.issued \(3 partitions\), refunds\.issued\.dlq/,
    );
    expect(applied.err.join("\n")).toContain("createTopic");
  });

  it("refuses bad usage and a broken topics file", async () => {
    const bad = await topicsCommand(["remove"], { env: {}, out: () => {}, err: () => {} });
    expect(bad).toBe(2);
    writeFileSync(file, JSON.stringify({ defaults: { partitions: 0 }, topics: [] }));
    const broken = await run();
    expect(broken.code).toBe(1);
    expect(broken.err[0]).toContain(`${file}: defaults.partitions`);
  });
});
