import type { TopicSpec } from "../bus";

/** One topic as the cluster has it (Metadata + DescribeConfigs). */
export interface KafkaTopicState {
  name: string;
  partitions: number;
  /** Replicas of partition 0 (Kafka keeps one factor per topic unless reassigned by hand). */
  replicationFactor: number;
  /** Configs set on the topic itself (DescribeConfigs source DYNAMIC_TOPIC_CONFIG). */
  overrides: Record<string, string>;
  /** The effective value of every config: overrides, broker settings, defaults. */
  effective: Record<string, string>;
}

/** How `loginguard topics apply` may change a Kafka cluster. */
export interface KafkaTopicsApplyOptions {
  /** Print the plan only. */
  dryRun?: boolean;
  /** Replication factor for every topic instead of the file's (`--replication N`). */
  replication?: number;
  /** Add partitions to topics that have fewer than the file says (`--allow-partition-increase`). */
  allowPartitionIncrease?: boolean;
}

/** One config of an existing topic that differs from the file. */
export interface KafkaConfigChange {
  key: string;
  /** The effective value before (null: the cluster does not know the key). */
  from: string | null;
  to: string;
}

/** What applying the file does (or would do) to one topic. */
export interface KafkaTopicPlan {
  name: string;
  /** Set when the topic is missing: it is created like this. */
  create?: { partitions: number; replicationFactor: number; config: Record<string, string> };
  /** Configs of an existing topic brought to the file's values. */
  configChanges: KafkaConfigChange[];
  /**
   * The whole set of topic configs sent with AlterConfigs. kafkajs speaks the non-incremental
   * AlterConfigs API: every topic config not in the request goes back to the broker default
   * (tried on Kafka 4.1: altering only `retention.ms` also dropped `min.insync.replicas=2`). So
   * the request carries the topic's own overrides plus the file's values.
   */
  alterTo?: Record<string, string>;
  /** Configs set on the topic that the file does not mention: kept as they are. */
  keptOverrides: Record<string, string>;
  /** A partition count that differs from the file. */
  partitions?: { has: number; wants: number; action: "increase" | "needs_flag" | "cannot_decrease" };
  /** A replication factor that differs from the file (changing it needs a partition reassignment). */
  replication?: { has: number; wants: number };
}

/** The plan for a whole topics file. */
export interface KafkaTopicsPlan {
  /** Brokers in the cluster's metadata. */
  brokers: number;
  topics: KafkaTopicPlan[];
  /** Why nothing may be applied (e.g. fewer brokers than a replication factor); empty when fine. */
  blocked: string[];
  /** Adjustments made because of the options (e.g. min.insync.replicas lowered to --replication). */
  notes: string[];
}

/** The configs the file asks for: its `config` plus `retention.ms`. */
export function desiredConfig(spec: TopicSpec): Record<string, string> {
  const config: Record<string, string> = { ...spec.config };
  if (spec.retentionMs !== undefined) config["retention.ms"] = String(spec.retentionMs);
  return config;
}

/** True when the plan changes nothing (partition differences needing the flag are reports). */
export function planChangesNothing(plan: KafkaTopicsPlan): boolean {
  return plan.topics.every(
    (t) => !t.create && t.configChanges.length === 0 && t.partitions?.action !== "increase",
  );
}

/**
 * Compares the file's topics with the cluster's and says what to do, changing nothing. Missing
 * topics are created with the file's partitions, replication factor and configs; existing topics
 * get their configs brought to the file; a partition count that differs is reported and raised
 * only with `allowPartitionIncrease`, never lowered; a differing replication factor is reported.
 * A topic to create whose replication factor exceeds the brokers blocks the whole plan.
 */
export function planKafkaTopics(
  existing: KafkaTopicState[],
  specs: TopicSpec[],
  brokers: number,
  options: KafkaTopicsApplyOptions = {},
): KafkaTopicsPlan {
  const have = new Map(existing.map((t) => [t.name, t]));
  const blocked: string[] = [];
  const notes: string[] = [];
  const topics = specs.map((raw): KafkaTopicPlan => {
    const spec = withReplication(raw, options.replication, notes);
    const wantsRf = spec.replicationFactor ?? 1;
    const desired = desiredConfig(spec);
    const current = have.get(spec.name);
    if (!current) {
      return {
        name: spec.name,
        create: { partitions: spec.partitions, replicationFactor: wantsRf, config: desired },
        configChanges: [],
        keptOverrides: {},
      };
    }
    const item: KafkaTopicPlan = { name: spec.name, configChanges: [], keptOverrides: {} };
    for (const [key, to] of Object.entries(desired)) {
      const from = current.effective[key] ?? current.overrides[key] ?? null;
      if (from !== to) item.configChanges.push({ key, from, to });
    }
    for (const [key, value] of Object.entries(current.overrides))
      if (!(key in desired)) item.keptOverrides[key] = value;
    if (item.configChanges.length > 0) item.alterTo = { ...current.overrides, ...desired };
    if (current.partitions !== spec.partitions) {
      const action =
        current.partitions > spec.partitions
          ? "cannot_decrease"
          : options.allowPartitionIncrease
            ? "increase"
            : "needs_flag";
      item.partitions = { has: current.partitions, wants: spec.partitions, action };
    }
    if (current.replicationFactor !== wantsRf)
      item.replication = { has: current.replicationFactor, wants: wantsRf };
    return item;
  });

  const tooWide = topics.filter((t) => t.create && t.create.replicationFactor > brokers);
  if (tooWide.length > 0) {
    const factors = [...new Set(tooWide.map((t) => t.create!.replicationFactor))].sort((a, b) => a - b);
    blocked.push(
      `the cluster has ${brokers} broker(s), fewer than the replication factor ${factors.join("/")} of ` +
        `${tooWide.length} topic(s) to create (${tooWide.map((t) => t.name).join(", ")}); ` +
        `start more brokers, or pass --replication ${Math.min(brokers, ...factors)} to create them with fewer copies`,
    );
  }
  return { brokers, topics, blocked, notes: [...new Set(notes)] };
}

/**
 * `--replication N`: the factor for every topic, and `min.insync.replicas` lowered to N where it
 * asks for more (otherwise no write with acks=all could ever succeed).
 */
function withReplication(spec: TopicSpec, replication: number | undefined, notes: string[]): TopicSpec {
  if (replication === undefined) return spec;
  const config = { ...spec.config };
  const minIsr = config["min.insync.replicas"];
  if (minIsr !== undefined && Number(minIsr) > replication) {
    config["min.insync.replicas"] = String(replication);
    notes.push(
      `--replication ${replication}: min.insync.replicas lowered from ${minIsr} to ${replication} ` +
        "(a write needs that many copies)",
    );
  }
  return { ...spec, replicationFactor: replication, config };
}
