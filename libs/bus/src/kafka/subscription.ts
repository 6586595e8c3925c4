import { describeError } from "@loginguard/errors";
import type { Consumer, EachBatchPayload, Kafka } from "kafkajs";
import type { BatchControl, BusRecord, SubscribeOptions, Subscription } from "../bus";
import { isMembershipLost, OffsetCommitter } from "./offset-committer";
import type { ResolvedKafkaBusOptions } from "./options";
import { toBusRecord } from "./records";

const DEFAULT_MAX_BATCH_RECORDS = 500;

/**
 * One kafkajs consumer in `options.group`: `eachBatch` without auto-resolve or auto-commit; each
 * partition's records go to `handleBatch` in chunks, and once a chunk resolves its offset is
 * resolved and committed (commits of all partitions coalesced, one request in flight; `stop()`
 * waits for them). A throwing handler leaves the offset unresolved, the partition is paused for
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
  const committer = new OffsetCommitter(logger);
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
  // subscribe() resolves once the member has its partitions (kafkajs's run() also resolves when
  // the first join failed and a restart is scheduled).
  let joined!: () => void;
  let joinFailed!: (err: unknown) => void;
  const firstJoin = new Promise<void>((resolve, reject) => {
    joined = resolve;
    joinFailed = reject;
  });
  firstJoin.catch(() => undefined); // observed by waitForJoin; never an unhandled rejection
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined();
    committer.retain(payload.memberAssignment);
    logger.info(
      { memberId: payload.memberId, assignment: payload.memberAssignment, durationMs: payload.duration },
      "joined consumer group",
    );
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: describeError(payload.error), restart: payload.restart }, "Kafka consumer crashed");
    if (!payload.restart) joinFailed(payload.error);
  });

  const backoff = (key: string): number => {
    const n = (failures.get(key) ?? 0) + 1;
    failures.set(key, n);
    const { initial, max } = busOptions.redeliveryBackoffMs;
    const base = Math.min(max, initial * 2 ** (n - 1));
    return Math.round(base / 2 + Math.random() * (base / 2));
  };

  /** Hands one fetched partition batch to the handler in chunks; commits after each. */
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

    try {
      for (let start = 0; start < batch.messages.length; start += maxBatchRecords) {
        if (!control.isRunning()) break; // stopping or stale: the rest is fetched again by its owner
        const records: BusRecord[] = batch.messages
          .slice(start, start + maxBatchRecords)
          .map((m) => toBusRecord(topic, partition, m));
        try {
          await options.handleBatch({ topic, partition, records }, control);
        } catch (err) {
          if (lostError !== undefined) throw lostError; // kafkajs rejoins the group
          const delay = backoff(key);
          logger.warn(
            { err: describeError(err), topic, partition, offset: records[0]?.offset, retryInMs: delay },
            "batch handler failed; the records will be delivered again",
          );
          // Not resolved: after the pause kafkajs fetches again from the first unhandled offset.
          if (!stopping) pauseFor(payload, delay);
          break;
        }
        if (lostError !== undefined) throw lostError;
        failures.delete(key);
        const last = records[records.length - 1]!.offset;
        payload.resolveOffset(last);
        // Through the batch payload: unlike `consumer.commitOffsets`, it still commits while
        // `consumer.stop()` waits for the batches in flight (kafkajs's runner skips commits then).
        if (options.commit !== false) {
          committer.mark(topic, partition, (BigInt(last) + 1n).toString(), payload.commitOffsetsIfNecessary);
        }
      }
    } finally {
      // Stopping: kafkajs leaves the group once this returns, so the commits must be out first.
      if (stopping) await committer.flush();
    }
  };

  const pauseFor = (payload: EachBatchPayload, delayMs: number) => {
    const resume = payload.pause();
    const timer = setTimeout(() => {
      resumeTimers.delete(timer);
      resume();
    }, delayMs);
    resumeTimers.add(timer);
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
    await waitForJoin(firstJoin, busOptions.rebalanceTimeoutMs + busOptions.sessionTimeoutMs + 10_000, () =>
      logger.warn("not yet in the consumer group; kafkajs keeps trying"),
    );
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
          await committer.flush();
          // Stops fetching, waits for the batches in flight (which flush their commits), leaves the group.
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

/** Waits for the first join; after `timeoutMs` resolves anyway (kafkajs keeps retrying). */
async function waitForJoin(joined: Promise<void>, timeoutMs: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve();
    }, timeoutMs);
  });
  try {
    await Promise.race([joined, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
