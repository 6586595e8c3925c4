import { describe, expect, it } from "vitest";
import type { TopicSpec } from "../src/bus";
import { lagOf } from "../src/kafka/lag-sampler";
import { type KafkaTopicState, planChangesNothing, planKafkaTopics } from "../src/kafka/topics-plan";

const spec = (name: string, extra: Partial<TopicSpec> = {}): TopicSpec => ({
  name,
  partitions: 12,
  replicationFactor: 3,
  retentionMs: 604_800_000,
  config: { "min.insync.replicas": "2" },
  ...extra,
});

const state = (name: string, extra: Partial<KafkaTopicState> = {}): KafkaTopicState => ({
  name,
  partitions: 12,
  replicationFactor: 3,
  overrides: { "min.insync.replicas": "2", "retention.ms": "604800000" },
  effective: { "min.insync.replicas": "2", "retention.ms": "604800000", "cleanup.policy": "delete" },
  ...extra,
});

describe("planKafkaTopics", () => {
  it("creates missing topics with the file's partitions, replication factor and configs", () => {
    const plan = planKafkaTopics(
      [],
      [spec("a", { config: { "cleanup.policy": "compact" }, retentionMs: -1 })],
      3,
    );
    expect(plan.blocked).toEqual([]);
    expect(plan.topics[0]!.create).toEqual({
      partitions: 12,
      replicationFactor: 3,
      config: { "cleanup.policy": "compact", "retention.ms": "-1" },
    });
    expect(planChangesNothing(plan)).toBe(false);
  });

  it("finds nothing to do when the cluster matches the file", () => {
    const plan = planKafkaTopics([state("a")], [spec("a")], 3);
    expect(plan.topics[0]).toEqual({ name: "a", configChanges: [], keptOverrides: {} });
    expect(planChangesNothing(plan)).toBe(true);
  });

  it("sends the topic's other overrides with a changed config, since AlterConfigs resets what it omits", () => {
    const current = state("a", {
      overrides: { "min.insync.replicas": "2", "retention.ms": "604800000", "segment.bytes": "1048576" },
    });
    const plan = planKafkaTopics([current], [spec("a", { retentionMs: 86_400_000 })], 3);
    const item = plan.topics[0]!;
    expect(item.configChanges).toEqual([{ key: "retention.ms", from: "604800000", to: "86400000" }]);
    expect(item.alterTo).toEqual({
      "min.insync.replicas": "2",
      "retention.ms": "86400000",
      "segment.bytes": "1048576",
    });
    expect(item.keptOverrides).toEqual({ "segment.bytes": "1048576" });
  });

  it("compares with effective values: a key at its broker default equal to the file is no change", () => {
    const plan = planKafkaTopics([state("a")], [spec("a", { config: { "cleanup.policy": "delete" } })], 3);
    expect(plan.topics[0]!.configChanges).toEqual([]);
    expect(plan.topics[0]!.alterTo).toBeUndefined();
  });

  it("reports partition counts that differ, raises them only when allowed, never lowers them", () => {
    const existing = [state("short", { partitions: 4 }), state("wide", { partitions: 24 })];
    const specs = [spec("short"), spec("wide")];
    const plain = planKafkaTopics(existing, specs, 3);
    expect(plain.topics.map((t) => t.partitions)).toEqual([
      { has: 4, wants: 12, action: "needs_flag" },
      { has: 24, wants: 12, action: "cannot_decrease" },
    ]);
    expect(planChangesNothing(plain)).toBe(true);
    const allowed = planKafkaTopics(existing, specs, 3, { allowPartitionIncrease: true });
    expect(allowed.topics.map((t) => t.partitions?.action)).toEqual(["increase", "cannot_decrease"]);
  });

  it("stops when a topic to create needs more brokers than there are, unless --replication", () => {
    const blocked = planKafkaTopics([state("old", { replicationFactor: 3 })], [spec("old"), spec("new")], 1);
    expect(blocked.blocked).toHaveLength(1);
    expect(blocked.blocked[0]).toMatch(
      /1 broker\(s\), fewer than the replication factor 3 .*new.*--replication 1/,
    );
    const one = planKafkaTopics([], [spec("new")], 1, { replication: 1 });
    expect(one.blocked).toEqual([]);
    expect(one.topics[0]!.create).toMatchObject({
      replicationFactor: 1,
      config: { "min.insync.replicas": "1" },
    });
    expect(one.notes[0]).toMatch(/min.insync.replicas lowered from 2 to 1/);
  });

  it("reports a replication factor that differs without changing it", () => {
    const plan = planKafkaTopics([state("a", { replicationFactor: 1 })], [spec("a")], 3);
    expect(plan.topics[0]!.replication).toEqual({ has: 1, wants: 3 });
    expect(planChangesNothing(plan)).toBe(true);
  });
});

describe("lagOf", () => {
  it("counts from the committed offset, or from the log start when nothing is committed", () => {
    expect(lagOf("40", 0n, 100n)).toBe(60);
    expect(lagOf("-1", 10n, 100n)).toBe(90);
    expect(lagOf("5", 10n, 100n)).toBe(90);
    expect(lagOf("100", 0n, 100n)).toBe(0);
  });
});
