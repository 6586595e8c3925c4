import { describeError, LoginGuardError } from "@loginguard/errors";
import type { Admin, ITopicConfig } from "kafkajs";
import type { TopicChange, TopicInfo, TopicSpec } from "../bus";
import type { KafkaTopicDefaults } from "./options";

/** kafkajs's aggregate errors carry one error per topic: name each (e.g. INVALID_REPLICATION_FACTOR). */
function describeAdminError(err: unknown): string {
  const inner = (err as { errors?: unknown[] }).errors;
  if (!Array.isArray(inner) || inner.length === 0) return describeError(err);
  const each = inner.map((e) => {
    const { type, message } = e as { type?: string; message?: string };
    return type ? `${type} (${message ?? ""})` : describeError(e);
  });
  return `${describeError(err)}: ${each.join(", ")}`;
}

/** Internal topics such as `__consumer_offsets` are not the application's. */
function isInternal(name: string): boolean {
  return name.startsWith("__");
}

/**
 * Every topic with its partition count. Asks for the metadata of ALL topics: a Metadata request
 * naming a topic would create it on brokers that auto-create (`auto.create.topics.enable=true`).
 */
export async function describeTopics(admin: Admin): Promise<Map<string, number>> {
  const { topics } = await admin.fetchTopicMetadata();
  return new Map(topics.map((t) => [t.name, t.partitions.length]));
}

/**
 * The metadata after creating topics or partitions. A real cluster's metadata catches up with
 * CreateTopics/CreatePartitions a moment later: ask again (up to 10 s) until every wanted topic
 * has its partitions, or at once when a request failed (the gap is then expected).
 */
async function settledTopics(
  admin: Admin,
  wanted: ITopicConfig[],
  failed: boolean,
): Promise<Map<string, number>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const topics = await describeTopics(admin);
    const settled = wanted.every((t) => (topics.get(t.topic) ?? 0) >= (t.numPartitions ?? 0));
    if (settled || failed || Date.now() > deadline) return topics;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
 * result against the cluster's metadata. What could not be done (too few brokers for the
 * replication factor, no permission) is reported in one error naming each topic.
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
      failures.push(`CreateTopics failed: ${describeAdminError(err)}`);
    }
  }
  if (toGrow.length > 0) {
    try {
      await admin.createPartitions({
        topicPartitions: toGrow.map((t) => ({ topic: t.topic, count: t.numPartitions ?? 0 })),
      });
    } catch (err) {
      cause ??= err;
      failures.push(`CreatePartitions failed: ${describeAdminError(err)}`);
    }
  }

  const after =
    toCreate.length + toGrow.length > 0 ? await settledTopics(admin, wanted, failures.length > 0) : before;
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
        "Check that the cluster has at least as many brokers as the replication factor and that " +
        "this client may create topics and partitions.",
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
