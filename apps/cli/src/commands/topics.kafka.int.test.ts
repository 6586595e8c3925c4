import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadTopicsFile, topicSpecsOf } from "@loginguard/bus";
import { requireComponents, testEnv } from "@loginguard/testing";
import { type KafkaCluster, startKafkaCluster } from "@loginguard/testing/kafka";
import { type Admin, Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOPICS_FILE } from "./start";
import { topicsCommand } from "./topics";

/** How many topics infra/topics.json declares, dead-letter topics included. */
const N = topicSpecsOf(loadTopicsFile(TOPICS_FILE)).length;

const missing = requireComponents("java", "maven");

/** DescribeConfigs resource type of a topic. */
const TOPIC = 2;

/**
 * `loginguard topics apply` on a real three-node Apache Kafka cluster: the repository's own
 * infra/topics.json on a fresh cluster, a second run, a changed retention, partition and
 * replication differences, too few brokers.
 */
describe.skipIf(missing.skip)("loginguard topics apply on a real Kafka cluster", () => {
  let cluster: KafkaCluster;
  let admin: Admin;
  let dir: string;
  const run = async (file: string, ...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await topicsCommand(["apply", "--file", file, ...args], {
      env: { KAFKA_BROKERS: cluster.bootstrap.join(",") },
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out, err };
  };
  const copyOfTopicsFile = (name: string, change: (file: { defaults: object; topics: object[] }) => void) => {
    const file = JSON.parse(readFileSync(TOPICS_FILE, "utf8"));
    delete file.$schema;
    change(file);
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(file));
    return path;
  };
  const configOf = async (topic: string, names: string[]) => {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: TOPIC, name: topic, configNames: names }],
      includeSynonyms: false,
    });
    return Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
  };
  const metadataOf = async (topic: string) => {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics[0]!.partitions;
    return { partitions: partitions.length, replication: new Set(partitions.map((p) => p.replicas.length)) };
  };

  beforeAll(async () => {
    cluster = await startKafkaCluster({ brokers: 3 });
    admin = new Kafka({ brokers: cluster.bootstrap, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    dir = mkdtempSync(join(testEnv.tmpRoot, "loginguard-topics-kafka-"));
  }, 180_000);
  afterAll(async () => {
    await admin?.disconnect();
    await cluster?.stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("creates what infra/topics.json says on a fresh cluster; a second run changes nothing", async () => {
    const plan = await run(TOPICS_FILE, "--dry-run");
    expect(plan.code).toBe(0);
    expect(plan.out[0]).toMatch(
      /^topics apply --dry-run: .*infra\/topics\.json -> Kafka \(.*\), 3 broker\(s\)$/,
    );
    expect(plan.out.at(-1)).toBe(
      `dry run: would change ${N} of ${N} topics (${N} to create, 0 to reconfigure, 0 to grow, 0 unchanged)`,
    );
    expect((await admin.listTopics()).filter((t) => !t.startsWith("__"))).toEqual([]);

    const applied = await run(TOPICS_FILE);
    expect(applied.code, applied.err.join("\n")).toBe(0);
    expect(applied.out).toContainEqual(
      expect.stringMatching(
        /^ {2}created\s+account\.changed: 12 partitions, replication 3, min\.insync\.replicas=2 cleanup\.policy=compact retention\.ms=-1$/,
      ),
    );
    expect(applied.out.at(-1)).toBe(
      `changed ${N} of ${N} topics (${N} created, 0 reconfigured, 0 grown, 0 unchanged)`,
    );

    // Checked with the admin client, not with what the command says it did.
    for (const topic of ["login.attempted", "login.attempted.dlq", "account.changed", "ip.flagged"]) {
      expect(await metadataOf(topic), topic).toEqual({ partitions: 12, replication: new Set([3]) });
    }
    expect(
      await configOf("account.changed", ["min.insync.replicas", "cleanup.policy", "retention.ms"]),
    ).toEqual({
      "min.insync.replicas": "2",
      "cleanup.policy": "compact",
      "retention.ms": "-1",
    });
    expect(
      await configOf("login.attempted", ["min.insync.replicas", "cleanup.policy", "retention.ms"]),
    ).toEqual({
      "min.insync.replicas": "2",
      "cleanup.policy": "delete",
      "retention.ms": "604800000",
    });
    expect((await configOf("ip.flagged", ["retention.ms"]))["retention.ms"]).toBe("86400000");

    const again = await run(TOPICS_FILE);
    expect(again.code).toBe(0);
    expect(again.out.slice(1)).toEqual([`nothing changed: all ${N} topics match the file`]);
  }, 120_000);

  it("applies a changed retention to the existing topic, printing it, and keeps its other configs", async () => {
    // Set on the topic by hand, not in the file: AlterConfigs (non-incremental) would reset it.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: TOPIC,
          name: "login.located",
          configEntries: [
            { name: "min.insync.replicas", value: "2" },
            { name: "retention.ms", value: "604800000" },
            { name: "segment.bytes", value: "10485760" },
          ],
        },
      ],
    });
    // Brokers apply it from the KRaft metadata log a moment later, each at its own pace, and the
    // command's DescribeConfigs may go to any of them: wait until one shows it, then a little more
    // (under load the others lagged by a second or more; one run kept a stale set without this).
    for (let i = 0; i < 100; i++) {
      if ((await configOf("login.located", ["segment.bytes"]))["segment.bytes"] === "10485760") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 3_000));
    const file = copyOfTopicsFile("retention.json", (f) => {
      f.topics = f.topics.map((t) =>
        (t as { name: string }).name === "login.located" ? { ...t, retentionMs: 172_800_000 } : t,
      );
    });
    const dry = await run(file, "--dry-run");
    expect(dry.out).toContainEqual(
      expect.stringMatching(
        /^ {2}would change config\s+login\.located: retention\.ms 604800000 -> 172800000$/,
      ),
    );
    expect((await configOf("login.located", ["retention.ms"]))["retention.ms"]).toBe("604800000");

    const applied = await run(file);
    expect(applied.code).toBe(0);
    expect(applied.out.slice(1)).toEqual([
      expect.stringMatching(/^ {2}changed config\s+login\.located: retention\.ms 604800000 -> 172800000$/),
      expect.stringMatching(
        /^ {2}kept\s+login\.located: segment\.bytes=10485760 \(set on the topic, not in the file\)$/,
      ),
      `changed 1 of ${N} topics (0 created, 1 reconfigured, 0 grown, ${N - 1} unchanged)`,
    ]);
    expect(await configOf("login.located", ["retention.ms", "min.insync.replicas", "segment.bytes"])).toEqual(
      {
        "retention.ms": "172800000",
        "min.insync.replicas": "2",
        "segment.bytes": "10485760",
      },
    );
    expect((await run(file)).out.at(-1)).toBe(`nothing changed: all ${N} topics match the file`);
  }, 120_000);

  it("reports partition counts that differ, adds partitions only with --allow-partition-increase, never removes", async () => {
    const file = copyOfTopicsFile("partitions.json", (f) => {
      f.topics = f.topics.map((t) => {
        const name = (t as { name: string }).name;
        if (name === "login.recorded") return { ...t, partitions: 16, deadLetter: false };
        if (name === "security.decided") return { ...t, partitions: 6, deadLetter: false };
        return t;
      });
    });
    const plain = await run(file);
    expect(plain.code).toBe(0);
    expect(plain.out).toContainEqual(
      expect.stringMatching(/partitions differ\s+login\.recorded: has 12, the file says 16; not changed/),
    );
    expect(plain.out).toContainEqual(
      expect.stringMatching(/partitions differ\s+security\.decided: has 12, the file says 6; left as is/),
    );
    expect(plain.out.at(-1)).toMatch(/2 difference\(s\) reported, not changed$/);
    expect((await metadataOf("login.recorded")).partitions).toBe(12);

    const grown = await run(file, "--allow-partition-increase");
    expect(grown.code).toBe(0);
    expect(grown.out).toContainEqual(expect.stringMatching(/added partitions\s+login\.recorded: 12 -> 16$/));
    expect((await metadataOf("login.recorded")).partitions).toBe(16);
    expect((await metadataOf("security.decided")).partitions).toBe(12);
  }, 120_000);

  it("stops when the cluster has fewer brokers than a replication factor, unless --replication N", async () => {
    const file = copyOfTopicsFile("wide.json", (f) => {
      f.topics = [{ name: "orders.wide", replicationFactor: 5, deadLetter: false }];
    });
    const stopped = await run(file);
    expect(stopped.code).toBe(1);
    expect(stopped.err.join("\n")).toMatch(
      /^stopped: the cluster has 3 broker\(s\), fewer than the replication factor 5 of 1 topic\(s\) to create \(orders\.wide\); .*--replication 3/,
    );
    expect(await admin.listTopics()).not.toContain("orders.wide");

    const two = await run(file, "--replication", "2");
    expect(two.code).toBe(0);
    expect(two.out).toContainEqual(
      expect.stringMatching(/created\s+orders\.wide: 12 partitions, replication 2,/),
    );
    expect(await metadataOf("orders.wide")).toEqual({ partitions: 12, replication: new Set([2]) });
    // The file's replication factor differs now: reported, never changed.
    const report = await run(file, "--replication", "5");
    expect(report.out).toContainEqual(
      expect.stringMatching(/replication differs\s+orders\.wide: has 2, the file says 5; not changed/),
    );
  }, 120_000);

  it("refuses bad usage and a broken topics file", async () => {
    expect(await topicsCommand(["remove"], { env: {}, out: () => {}, err: () => {} })).toBe(2);
    expect((await run(TOPICS_FILE, "--replication", "zero")).code).toBe(2);
    const broken = join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ defaults: { partitions: 0 }, topics: [] }));
    const result = await run(broken);
    expect(result.code).toBe(1);
    expect(result.err[0]).toContain(`${broken}: defaults.partitions`);
  });
});
