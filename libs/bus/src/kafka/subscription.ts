import { describeError } from "@loginguard/errors";
import type { Consumer, EachBatchPayload, Kafka } from "kafkajs";
import type { BatchControl, BusRecord, SubscribeOptions, Subscription } from "../bus";
import type { ResolvedKafkaBusOptions } from "./options";
import { toBusRecord } from "./records";

/** kafkajs error types that mean this member lost its partitions: kafkajs must rejoin the group. */
const MEMBERSHIP_LOST = new Set([
  "REBALANCE_IN_PROGRESS",
  "NOT_COORDINATOR_FOR_GROUP",
  "ILLEGAL_GENERATION",
  "UNKNOWN_MEMBER_ID",
]);

function isMembershipLost(err: unknown): boolean {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === "string" && MEMBERSHIP_LOST.has(type);
}

const DEFAULT_MAX_BATCH_RECORDS = 500;
const COMMIT_ATTEMPTS = 5;

/**
 * One kafkajs consumer in `options.group`: `eachBatch` without auto-resolve or auto-commit; each
 * partition's records go to `handleBatch` in chunks, and the offset after a chunk is committed
 * once it resolves. A throwing handler leaves the offset unresolved, the partition is paused for
 * a backoff, and kafkajs fetches the same records again from the unresolved position.
 */
export async function startSubscription(
  kafka: Kafka,
  busOptions: ResolvedKafkaBusOptions,
  options: SubscribeOptions,
  onStopped: (subscription: Subscription) => void,
): Promise<Subscription> {
  const logger = busOptions.logger.child({ group: options.group });
  const maxBatchRecords = Math.max(1, options.maxBatchRecords ?? DEFAULT_MAX_BATCH_RECORDS);
  const abort = new AbortController();
  const resumeTimers = new Set<NodeJS.Timeout>();
  const failures = new Map<string, number>();
  let stopping = false;

  const consumer: Consumer = kafka.consumer({
    groupId: options.group,
    sessionTimeout: busOptions.sessionTimeoutMs,
    heartbeatInterval: busOptions.heartbeatIntervalMs,
    rebalanceTimeout: busOptions.rebalanceTimeoutMs,
    maxWaitTimeInMs: busOptions.maxWaitTimeMs,
    allowAutoTopicCreation: busOptions.allowAutoTopicCreation,
    retry: busOptions.retry,
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    logger.info(
      { memberId: payload.memberId, assignment: payload.memberAssignment, durationMs: payload.duration },
      "joined consumer group",
    );
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: describeError(payload.error), restart: payload.restart }, "Kafka consumer crashed");
  });

  const backoff = (key: string): number => {
    const n = (failures.get(key) ?? 0) + 1;
    failures.set(key, n);
    const { initial, max } = busOptions.redeliveryBackoffMs;
    const base = Math.min(max, initial * 2 ** (n - 1));
    return Math.round(base / 2 + Math.random() * (base / 2));
  };

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    const { topic, partition } = batch;
    const key = `${topic}/${partition}`;
    let lostError: unknown;

    const control: BatchControl = {
      async heartbeat() {
        try {
          await payload.heartbeat();
        } catch (err) {
          if (isMembershipLost(err)) {
            lostError ??= err;
            throw err;
          }
          logger.debug({ err: describeError(err), topic, partition }, "heartbeat failed");
        }
      },
      isRunning: () => !stopping && lostError === undefined && payload.isRunning() && !payload.isStale(),
      signal: abort.signal,
    };

    for (let start = 0; start < batch.messages.length; start += maxBatchRecords) {
      if (!control.isRunning()) return; // stopping or stale: the rest is fetched again by whoever owns it
      const messages = batch.messages.slice(start, start + maxBatchRecords);
      const records: BusRecord[] = messages.map((m) => toBusRecord(topic, partition, m));
      try {
        await options.handleBatch({ topic, partition, records }, control);
      } catch (err) {
        if (lostError !== undefined) throw lostError;
        const delay = backoff(key);
        logger.warn(
          { err: describeError(err), topic, partition, offset: records[0]?.offset, retryInMs: delay },
          "batch handler failed; the records will be delivered again",
        );
        if (!stopping) {
          const resume = payload.pause();
          const timer = setTimeout(() => {
            resumeTimers.delete(timer);
            resume();
          }, delay);
          resumeTimers.add(timer);
        }
        return;
      }
      if (lostError !== undefined) throw lostError;
      failures.delete(key);
      const last = records[records.length - 1]!.offset;
      payload.resolveOffset(last);
      await commit(payload, topic, partition, (BigInt(last) + 1n).toString());
    }
  };

  /**
   * Commits through the batch payload: unlike `consumer.commitOffsets`, it still commits while
   * `consumer.stop()` waits for the batches in flight (kafkajs's runner skips commits once stopping).
   */
  const commit = async (payload: EachBatchPayload, topic: string, partition: number, offset: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
        return;
      } catch (err) {
        if (isMembershipLost(err) || attempt >= COMMIT_ATTEMPTS) throw err; // kafkajs rejoins or restarts
        logger.debug(
          { err: describeError(err), topic, partition, offset, attempt },
          "offset commit failed, retrying",
        );
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  };

  await consumer.connect();
  try {
    await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: busOptions.partitionsConsumedConcurrently,
      eachBatch,
    });
  } catch (err) {
    await consumer.disconnect().catch(() => undefined);
    throw err;
  }

  let stopped: Promise<void> | undefined;
  const subscription: Subscription = {
    group: options.group,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        abort.abort();
        for (const timer of resumeTimers) clearTimeout(timer);
        resumeTimers.clear();
        try {
          // Stops fetching, waits for the batches in flight (which commit), leaves the group.
          await consumer.stop();
        } finally {
          await consumer.disconnect().catch((err: unknown) => {
            logger.warn({ err: describeError(err) }, "Kafka consumer disconnect failed");
          });
          onStopped(subscription);
        }
      })();
      return stopped;
    },
  };
  return subscription;
}
