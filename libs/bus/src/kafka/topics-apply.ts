import { describeError, LoginGuardError, retryableError } from "@loginguard/errors";
import { createLogger, type Logger } from "@loginguard/observability";
import { type Admin, Kafka, logLevel } from "kafkajs";
import type { TopicSpec } from "../bus";
import { kafkaLogCreator } from "./log";
import {
  type KafkaTopicState,
  type KafkaTopicsApplyOptions,
  type KafkaTopicsPlan,
  planChangesNothing,
  planKafkaTopics,
} from "./topics-plan";

/**
 * kafkajs's `TOPIC_RESOURCE` (kafkajs is CommonJS and Node's ESM loader does not see
 * that export by name).
 */
const TOPIC_RESOURCE = 2;
/** DescribeConfigs `configSource` of a config set on the topic itself. */
const DYNAMIC_TOPIC_CONFIG = 1;

/** How often, and how far apart, the result is read back before it counts as not applied. */
const VERIFY_ATTEMPTS = 20;
const VERIFY_INTERVAL_MS = 250;

/** What `applyKafkaTopics` did: the plan it followed, and whether it changed the cluster. */
export interface KafkaTopicsApplyResult {
  plan: KafkaTopicsPlan;
  dryRun: boolean;
  /** False for a dry run or a blocked plan. */
  applied: boolean;
}

/** Reads the topics named in `names` that exist: partitions, replication factor, configs. */
export async function describeKafkaTopics(admin: Admin, names: string[]): Promise<KafkaTopicState[]> {
  // Metadata of ALL topics: a Metadata request naming a topic could create it on brokers that auto-create.
  const { topics } = await admin.fetchTopicMetadata();
  const wanted = new Set(names);
  const present = topics.filter((t) => wanted.has(t.name));
  if (present.length === 0) return [];
  const { resources } = await admin.describeConfigs({
    resources: present.map((t) => ({ type: TOPIC_RESOURCE, name: t.name })),
    includeSynonyms: false,
  });
  const configs = new Map(resources.map((r) => [r.resourceName, r]));
  return present.map((t) => {
    const resource = configs.get(t.name);
    if (resource && resource.errorCode !== 0) {
      throw new LoginGuardError(`DescribeConfigs for ${t.name} failed: ${resource.errorMessage}`, {
        code: "kafka_describe_configs_failed",
        retryable: true,
        context: { topic: t.name, errorCode: resource.errorCode },
      });
    }
    const overrides: Record<string, string> = {};
    const effective: Record<string, string> = {};
    for (const entry of resource?.configEntries ?? []) {
      effective[entry.configName] = entry.configValue;
      if (entry.configSource === DYNAMIC_TOPIC_CONFIG) overrides[entry.configName] = entry.configValue;
    }
    const first = [...t.partitions].sort((a, b) => a.partitionId - b.partitionId)[0];
    return {
      name: t.name,
      partitions: t.partitions.length,
      replicationFactor: first?.replicas.length ?? 0,
      overrides,
      effective,
    };
  });
}

/** The plan of `specs` against the cluster `admin` talks to. */
export async function planKafkaTopicsOn(
  admin: Admin,
  specs: TopicSpec[],
  options: KafkaTopicsApplyOptions,
): Promise<KafkaTopicsPlan> {
  const { brokers } = await admin.describeCluster();
  const existing = await describeKafkaTopics(
    admin,
    specs.map((s) => s.name),
  );
  return planKafkaTopics(existing, specs, brokers.length, options);
}

/**
 * `loginguard topics apply` on Kafka: plans (see `planKafkaTopics`), then unless `dryRun` or
 * blocked creates the missing topics, sends AlterConfigs with each changed topic's full config
 * set, adds partitions where allowed, and checks the result: a fresh plan must find nothing left
 * to do (read again for up to 5 s while the brokers catch up), else it throws naming what remained.
 * The plan is read, then written: a config set on a topic by someone else between the two (or
 * not yet visible on the broker that answered DescribeConfigs) is not among the overrides kept.
 */
export async function applyKafkaTopicsWith(
  admin: Admin,
  specs: TopicSpec[],
  options: KafkaTopicsApplyOptions = {},
): Promise<KafkaTopicsApplyResult> {
  const plan = await planKafkaTopicsOn(admin, specs, options);
  const dryRun = options.dryRun ?? false;
  if (dryRun || plan.blocked.length > 0) return { plan, dryRun, applied: false };

  const create = plan.topics.filter((t) => t.create);
  if (create.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: create.map((t) => ({
        topic: t.name,
        numPartitions: t.create!.partitions,
        replicationFactor: t.create!.replicationFactor,
        configEntries: Object.entries(t.create!.config).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  const alter = plan.topics.filter((t) => t.alterTo);
  if (alter.length > 0) {
    await admin.alterConfigs({
      validateOnly: false,
      resources: alter.map((t) => ({
        type: TOPIC_RESOURCE,
        name: t.name,
        configEntries: Object.entries(t.alterTo!).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  const grow = plan.topics.filter((t) => t.partitions?.action === "increase");
  if (grow.length > 0) {
    await admin.createPartitions({
      validateOnly: false,
      topicPartitions: grow.map((t) => ({ topic: t.name, count: t.partitions!.wants })),
    });
  }

  // Brokers learn config and partition changes from the KRaft metadata log a moment later, and
  // DescribeConfigs may be answered by one that has not yet: look again for a while.
  // A broker that does not know a new topic yet answers UNKNOWN_TOPIC_OR_PARTITION: also "not yet".
  let after: KafkaTopicsPlan | undefined;
  let lastError: unknown;
  for (let i = 0; i <= VERIFY_ATTEMPTS; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, VERIFY_INTERVAL_MS));
    try {
      after = await planKafkaTopicsOn(admin, specs, options);
      lastError = undefined;
      if (planChangesNothing(after)) break;
    } catch (err) {
      lastError = err;
    }
  }
  if (lastError !== undefined) throw lastError;
  if (after && !planChangesNothing(after)) {
    const left = after.topics
      .filter((t) => t.create || t.configChanges.length > 0 || t.partitions?.action === "increase")
      .map((t) => t.name);
    throw new LoginGuardError(
      `topics apply: the cluster still differs from the file for ${left.join(", ")}`,
      {
        code: "topics_not_applied",
        retryable: true,
        context: { topics: left },
      },
    );
  }
  return { plan, dryRun, applied: true };
}

/** Connection settings of `applyKafkaTopics`. */
export interface KafkaAdminOptions {
  brokers: string[];
  clientId?: string;
  logger?: Logger;
}

/**
 * `applyKafkaTopicsWith` on its own admin client to `brokers` (connected for this call only).
 * Broker trouble becomes a retryable LoginGuardError naming the brokers.
 */
export async function applyKafkaTopics(
  connection: KafkaAdminOptions,
  specs: TopicSpec[],
  options: KafkaTopicsApplyOptions = {},
): Promise<KafkaTopicsApplyResult> {
  const logger = connection.logger ?? createLogger("bus.kafka.topics");
  const kafka = new Kafka({
    clientId: connection.clientId ?? "loginguard-topics",
    brokers: connection.brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    retry: { retries: 3 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await applyKafkaTopicsWith(admin, specs, options);
  } catch (err) {
    if (err instanceof LoginGuardError) throw err;
    throw retryableError(
      `Kafka (${connection.brokers.join(",")}) topics apply failed: ${describeError(err)}`,
      "broker_unavailable",
      { brokers: connection.brokers },
      err,
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
