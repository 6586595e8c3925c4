import { describeError, LoginGuardError } from "@loginguard/errors";
import type { Admin, ITopicConfig } from "kafkajs";
import type { TopicChange, TopicInfo, TopicSpec } from "../bus";
import type { KafkaTopicDefaults } from "./options";

/** Internal topics such as `__consumer_offsets` are not the application's. */
function isInternal(name: string): boolean {
  return name.startsWith("__");
}

/**
 * Every topic with its partition count. Asks for the metadata of ALL topics: a Metadata request
 * naming a topic would create it on brokers that auto-create (the librdkafka mock always does).
 */
export async function describeTopics(admin: Admin): Promise<Map<string, number>> {
  const { topics } = await admin.fetchTopicMetadata();
  return new Map(topics.map((t) => [t.name, t.partitions.length]));
}

/** Application topics (internal `__` topics left out), sorted by name. */
export async function listTopics(admin: Admin): Promise<TopicInfo[]> {
  const topics = await describeTopics(admin);
  return [...topics]
    .filter(([name]) => !isInternal(name))
    .map(([name, partitions]) => ({ name, partitions }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function topicConfig(spec: TopicSpec, defaults: KafkaTopicDefaults): ITopicConfig {
  const config: Record<string, string> = { ...defaults.config, ...spec.config };
  if (spec.retentionMs !== undefined) config["retention.ms"] = String(spec.retentionMs);
  return {
    topic: spec.name,
    numPartitions: spec.partitions > 0 ? spec.partitions : defaults.partitions,
    replicationFactor: spec.replicationFactor ?? defaults.replicationFactor,
    configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
  };
}

/**
 * Creates missing topics and adds missing partitions through the admin API, then checks the
 * result against the cluster's metadata. What could not be done (the librdkafka mock cluster has
 * no CreateTopics/CreatePartitions) is reported in one error naming each topic.
 */
export async function ensureTopics(
  admin: Admin,
  specs: TopicSpec[],
  defaults: KafkaTopicDefaults,
): Promise<TopicChange[]> {
  const wanted = specs.map((spec) => topicConfig(spec, defaults));
  const before = await describeTopics(admin);
  const toCreate = wanted.filter((t) => !before.has(t.topic));
  const toGrow = wanted.filter(
    (t) => (before.get(t.topic) ?? Number.POSITIVE_INFINITY) < (t.numPartitions ?? 0),
  );
  const failures: string[] = [];
  let cause: unknown;

  if (toCreate.length > 0) {
    try {
      await admin.createTopics({ topics: toCreate, waitForLeaders: true });
    } catch (err) {
      cause = err;
      failures.push(`CreateTopics failed: ${describeError(err)}`);
    }
  }
  if (toGrow.length > 0) {
    try {
      await admin.createPartitions({
        topicPartitions: toGrow.map((t) => ({ topic: t.topic, count: t.numPartitions ?? 0 })),
      });
    } catch (err) {
      cause ??= err;
      failures.push(`CreatePartitions failed: ${describeError(err)}`);
    }
  }

  const after = toCreate.length + toGrow.length > 0 ? await describeTopics(admin) : before;
  const missing: string[] = [];
  const short: string[] = [];
  const changes: TopicChange[] = [];
  for (const t of wanted) {
    const want = t.numPartitions ?? 0;
    const has = after.get(t.topic);
    if (has === undefined) missing.push(`${t.topic} (${want} partitions)`);
    else if (has < want) short.push(`${t.topic} (has ${has}, wants ${want} partitions)`);
    else {
      const had = before.get(t.topic);
      const action = had === undefined ? "created" : had < has ? "partitions_added" : "unchanged";
      changes.push({ name: t.topic, action, partitions: has });
    }
  }
  if (missing.length > 0 || short.length > 0) {
    const parts = [
      missing.length > 0 ? `missing topics: ${missing.join(", ")}` : "",
      short.length > 0 ? `topics with too few partitions: ${short.join(", ")}` : "",
    ].filter(Boolean);
    throw new LoginGuardError(
      `Kafka topics could not be ensured; ${parts.join("; ")}. ${failures.join("; ")}. ` +
        "Against the Kafka-protocol test cluster (librdkafka mock, no CreateTopics support) the test " +
        "cluster helper must create them: startKafkaCluster({ topics }) or cluster.createTopic(name, partitions).",
      {
        code: "topics_missing",
        retryable: false,
        context: { missing, short, failures },
        cause,
      },
    );
  }
  return changes;
}
