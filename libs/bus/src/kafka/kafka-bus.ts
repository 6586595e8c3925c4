import { describeError, LoginGuardError, permanentError, retryableError } from "@loginguard/errors";
import { createLogger } from "@loginguard/observability";
import { type Admin, Kafka, logLevel, Partitioners, type Producer, type TopicMessages } from "kafkajs";
import type { Bus, OutgoingRecord, Subscription } from "../bus";
import { LagSampler } from "./lag-sampler";
import { kafkaLogCreator } from "./log";
import { type KafkaBusOptions, type KafkaRetryOptions, resolveOptions } from "./options";
import { PublishBatcher } from "./publish-batcher";
import { recordSize, toKafkaMessage } from "./records";
import { startSubscription } from "./subscription";
import { ensureTopics, listTopics } from "./topics";

/** kafkajs's default retries, used for whole-batch resends when `retry.retries` is not set. */
const DEFAULT_SEND_RETRIES = 5;

/** False for errors a resend cannot fix (kafkajs marks them `retriable: false`, e.g. MESSAGE_TOO_LARGE). */
function isRetriable(err: unknown): boolean {
  const e = err as { retriable?: unknown; originalError?: { retriable?: unknown } } | null;
  const cause = e?.originalError ?? e;
  return cause?.retriable !== false;
}

/** Exponential backoff with jitter between whole-batch resends, like kafkajs's own. */
function sendBackoffMs(retry: KafkaRetryOptions, attempt: number): number {
  const initial = retry.initialRetryTime ?? 300;
  const max = retry.maxRetryTime ?? 30_000;
  const base = Math.min(max, initial * 2 ** (attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * The Bus on Apache Kafka (or any Kafka-protocol cluster) through kafkajs.
 *
 * - publish: records of concurrent calls are joined into one `sendBatch` (`acks=-1`, not
 *   idempotent unless `idempotent`) after `lingerMs` or once `maxBatchRecords` are pending; one send in flight at a
 *   time keeps per-key order. A failed send rejects with a retryable LoginGuardError.
 * - subscribe: one kafkajs consumer per call in `group`, `eachBatch`, offsets committed manually
 *   after each handled chunk (coalesced, one commit request in flight; flushed on stop).
 * - ensureTopics: the admin API, checked against metadata; throws naming what it could not create.
 * - consumer lag of every subscribed group, sampled every `lagSampleIntervalMs` through the admin
 *   API into `loginguard_consumer_lag_records` (the embedded driver's gauge).
 */
export function createKafkaBus(options: KafkaBusOptions): Bus {
  const logger = options.logger ?? createLogger("bus.kafka");
  const opts = resolveOptions(options, logger);
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    retry: opts.retry,
    ...(opts.connectionTimeoutMs === undefined ? {} : { connectionTimeout: opts.connectionTimeoutMs }),
    ...(opts.requestTimeoutMs === undefined ? {} : { requestTimeout: opts.requestTimeoutMs }),
  });

  const subscriptions = new Set<Subscription>();
  let producerReady: Promise<Producer> | undefined;
  let adminReady: Promise<Admin> | undefined;
  let closed = false;

  const connectProducer = (): Promise<Producer> => {
    producerReady ??= (async () => {
      const producer = kafka.producer({
        idempotent: opts.idempotent,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: opts.allowAutoTopicCreation,
        createPartitioner: Partitioners.DefaultPartitioner,
        // kafkajs's own produce retry re-sends only to brokers that have not answered in the same
        // call: when a killed leader's partitions move to a broker that had already acknowledged
        // its share, they are never re-sent and sendBatch resolves (records acknowledged and lost,
        // seen on the real cluster; kafkajs #1303, PR #1798). So `send` retries the whole batch.
        // (kafkajs refuses an idempotent producer without retries: that option keeps its own.)
        retry: opts.idempotent ? opts.retry : { ...opts.retry, retries: 0 },
      });
      await producer.connect();
      return producer;
    })().catch((err: unknown) => {
      producerReady = undefined;
      throw err;
    });
    return producerReady;
  };

  const connectAdmin = (): Promise<Admin> => {
    adminReady ??= (async () => {
      const admin = kafka.admin({ retry: opts.retry });
      await admin.connect();
      return admin;
    })().catch((err: unknown) => {
      adminReady = undefined;
      throw err;
    });
    return adminReady;
  };

  const lag = new LagSampler(connectAdmin, opts.lagSampleIntervalMs, logger);

  const send = async (records: OutgoingRecord[]): Promise<void> => {
    const byTopic = new Map<string, TopicMessages>();
    for (const record of records) {
      let entry = byTopic.get(record.topic);
      if (!entry) {
        entry = { topic: record.topic, messages: [] };
        byTopic.set(record.topic, entry);
      }
      entry.messages.push(toKafkaMessage(record));
    }
    const topicMessages = [...byTopic.values()];
    const attempts = opts.idempotent ? 1 : (opts.retry.retries ?? DEFAULT_SEND_RETRIES) + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const p = await connectProducer();
        await p.sendBatch({ topicMessages, acks: -1, timeout: opts.ackTimeoutMs });
        return;
      } catch (err) {
        if (attempt < attempts && isRetriable(err)) {
          // The whole batch again: partitions that were acknowledged get duplicates (same event
          // ids, deduplicated by every consumer), none is left out.
          await new Promise((resolve) => setTimeout(resolve, sendBackoffMs(opts.retry, attempt)));
          continue;
        }
        throw sendFailed(records.length, [...byTopic.keys()], err);
      }
    }
  };

  const sendFailed = (count: number, topics: string[], err: unknown) =>
    retryableError(
      `Kafka did not acknowledge ${count} record(s) for ${topics.join(", ")}: ${describeError(err)}`,
      "broker_unavailable",
      { topics, records: count },
      err,
    );

  const batcher = new PublishBatcher(send, {
    lingerMs: opts.lingerMs,
    maxBatchRecords: opts.maxBatchRecords,
    maxBatchBytes: opts.maxBatchBytes,
    sizeOf: recordSize,
  });

  /** Runs an admin call; broker trouble becomes a retryable LoginGuardError, ours pass through. */
  const adminCall = async <T>(what: string, call: (a: Admin) => Promise<T>): Promise<T> => {
    try {
      return await call(await connectAdmin());
    } catch (err) {
      if (err instanceof LoginGuardError) throw err;
      throw retryableError(`Kafka ${what} failed: ${describeError(err)}`, "broker_unavailable", {}, err);
    }
  };

  return {
    kind: "kafka",

    async publish(records) {
      for (const record of records) {
        const size = recordSize(record);
        if (size > opts.maxRecordBytes) {
          throw permanentError(
            `a record for ${record.topic} is ${size} bytes, over the ${opts.maxRecordBytes}-byte limit`,
            "record_too_large",
            { topic: record.topic, key: record.key, bytes: size },
          );
        }
      }
      await batcher.publish(records);
    },

    ensureTopics(specs) {
      return adminCall("ensureTopics", (a) => ensureTopics(a, specs, opts.topicDefaults));
    },

    listTopics() {
      return adminCall("listTopics", listTopics);
    },

    async subscribe(subscribeOptions) {
      if (closed) throw permanentError("the Kafka bus is closed", "bus_closed");
      let untrack = () => {};
      const subscription = await startSubscription(kafka, opts, subscribeOptions, (s) => {
        subscriptions.delete(s);
        untrack();
      });
      subscriptions.add(subscription);
      untrack = lag.track(subscribeOptions.group, subscribeOptions.topics);
      return subscription;
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...subscriptions].map((s) => s.stop()));
      await batcher.close();
      await lag.close();
      const disconnects: Promise<void>[] = [];
      if (producerReady) disconnects.push(producerReady.then((p) => p.disconnect()));
      if (adminReady) disconnects.push(adminReady.then((a) => a.disconnect()));
      for (const result of await Promise.allSettled(disconnects)) {
        if (result.status === "rejected")
          logger.warn({ err: describeError(result.reason) }, "Kafka disconnect failed");
      }
    },
  };
}
