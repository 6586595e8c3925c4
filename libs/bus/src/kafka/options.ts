import type { Logger } from "@loginguard/observability";

/** Defaults for topics that `ensureTopics` creates (docs/ARCHITECTURE.md section 5, production settings). */
export interface KafkaTopicDefaults {
  /** Used when a spec asks for 0 partitions. Default 12. */
  partitions: number;
  /** Used when a spec has no replicationFactor. Default 3. */
  replicationFactor: number;
  /** Topic configs added under each spec's own. Default `min.insync.replicas=2`. */
  config: Record<string, string>;
}

/** kafkajs retry settings (exponential backoff with jitter). */
export interface KafkaRetryOptions {
  retries?: number;
  initialRetryTime?: number;
  maxRetryTime?: number;
}

/** Options of `createKafkaBus`. */
export interface KafkaBusOptions {
  /** `host:port` bootstrap list (KAFKA_BROKERS). */
  brokers: string[];
  clientId: string;
  /** Where kafkajs warnings and errors go (warn and above only). Default: `createLogger("bus.kafka")`. */
  logger?: Logger;
  /** How long the producer waits for more records before a send. Default 2 ms. */
  lingerMs?: number;
  /** A send goes out at once when this many records are pending; also the most per send. Default 1000. */
  maxBatchRecords?: number;
  /** The most bytes (keys, values, headers) per send; a single larger record goes alone. Default 512 KiB. */
  maxBatchBytes?: number;
  /** A record larger than this is refused before sending (permanent error). Default 1,000,000 bytes. */
  maxRecordBytes?: number;
  /** Broker wait for `acks=-1` replication. Default 30 s. */
  ackTimeoutMs?: number;
  /** Topics created by `ensureTopics`. */
  topicDefaults?: Partial<KafkaTopicDefaults>;
  /** Consumer group session timeout. Default 30 s (tests use ~6 s). */
  sessionTimeoutMs?: number;
  /** Default 3 s (tests use ~500 ms). */
  heartbeatIntervalMs?: number;
  /** How long members get to rejoin during a rebalance. Default 60 s (tests use a few seconds). */
  rebalanceTimeoutMs?: number;
  /**
   * How long a fetch waits for data. Default 100 ms: real brokers answer as soon as data arrives,
   * but the librdkafka mock cluster always waits this long on an empty fetch, so it bounds latency.
   */
  maxWaitTimeMs?: number;
  /** Partitions of one subscription handled at once. Default 4. */
  partitionsConsumedConcurrently?: number;
  /** Producer and client retries. Default kafkajs's: 5 retries from 300 ms. */
  retry?: KafkaRetryOptions;
  /** Backoff after a throwing handler before the batch is delivered again. Default 200 ms .. 5 s. */
  redeliveryBackoffMs?: { initial: number; max: number };
  /**
   * Let Metadata requests create unknown topics with the broker's defaults. Default false: topics
   * come from `ensureTopics`. (The librdkafka mock cluster answers Metadata v0-2 only and creates
   * unknown topics whatever this says.)
   */
  allowAutoTopicCreation?: boolean;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * How often consumer lag is sampled (one ListOffsets per topic and one OffsetFetch per group
   * per round). Default 10 s; 0 turns sampling off.
   */
  lagSampleIntervalMs?: number;
  /**
   * kafkajs's idempotent producer (`idempotent: true`). Default false: chosen by test, see the
   * leader-kill test in libs/bus/test/kafka-failover.int.test.ts and docs/ARCHITECTURE.md section 14.
   */
  idempotent?: boolean;
}

/** Options with every default filled in. */
export interface ResolvedKafkaBusOptions
  extends Required<
    Omit<KafkaBusOptions, "logger" | "topicDefaults" | "retry" | "connectionTimeoutMs" | "requestTimeoutMs">
  > {
  logger: Logger;
  topicDefaults: KafkaTopicDefaults;
  retry: KafkaRetryOptions;
  connectionTimeoutMs: number | undefined;
  requestTimeoutMs: number | undefined;
}

/** Fills in defaults and checks the numbers. */
export function resolveOptions(options: KafkaBusOptions, logger: Logger): ResolvedKafkaBusOptions {
  if (options.brokers.length === 0)
    throw new Error("createKafkaBus: brokers must list at least one host:port");
  const resolved: ResolvedKafkaBusOptions = {
    brokers: options.brokers,
    clientId: options.clientId,
    logger,
    lingerMs: options.lingerMs ?? 2,
    maxBatchRecords: options.maxBatchRecords ?? 1000,
    maxBatchBytes: options.maxBatchBytes ?? 512 * 1024,
    maxRecordBytes: options.maxRecordBytes ?? 1_000_000,
    ackTimeoutMs: options.ackTimeoutMs ?? 30_000,
    topicDefaults: {
      partitions: options.topicDefaults?.partitions ?? 12,
      replicationFactor: options.topicDefaults?.replicationFactor ?? 3,
      config: options.topicDefaults?.config ?? { "min.insync.replicas": "2" },
    },
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3_000,
    rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 60_000,
    maxWaitTimeMs: options.maxWaitTimeMs ?? 100,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 4,
    retry: options.retry ?? {},
    redeliveryBackoffMs: options.redeliveryBackoffMs ?? { initial: 200, max: 5_000 },
    allowAutoTopicCreation: options.allowAutoTopicCreation ?? false,
    connectionTimeoutMs: options.connectionTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    lagSampleIntervalMs: options.lagSampleIntervalMs ?? 10_000,
    idempotent: options.idempotent ?? false,
  };
  for (const key of [
    "lingerMs",
    "maxBatchRecords",
    "maxBatchBytes",
    "maxRecordBytes",
    "partitionsConsumedConcurrently",
  ] as const) {
    const value = resolved[key];
    if (!Number.isFinite(value) || value < 0 || (key !== "lingerMs" && value < 1)) {
      throw new Error(`createKafkaBus: ${key} must be a positive number, got ${value}`);
    }
  }
  return resolved;
}
