import type { Database } from "@loginguard/db";
import { permanentError, retryableError } from "@loginguard/errors";
import type { Bus, SubscribeOptions, Subscription, TopicChange, TopicInfo, TopicSpec } from "../bus";
import { EmbeddedLog, type PartitionLag } from "./embedded-log";
import type { Member } from "./member";
import { type EmbeddedBusOptions, resolveOptions } from "./options";

/** The embedded driver's Bus, plus what only it can tell cheaply. */
export interface EmbeddedBus extends Bus {
  readonly kind: "embedded";
  /** Committed versus end offsets of a consumer group, per partition (for metrics and tools). */
  lag(group: string): Promise<PartitionLag[]>;
  /** Each partition's end offset (the next offset to be written), in partition order; [] for no topic. */
  endOffsets(topic: string): Promise<number[]>;
}

interface Shared {
  log: Promise<EmbeddedLog>;
  handles: number;
}

/** One embedded log per database, shared by every Bus opened on it. */
const logs = new WeakMap<Database, Shared>();

let memberSeq = 0;

const DEFAULT_MAX_BATCH_RECORDS = 500;

/**
 * Opens the embedded event log on `options.db` (PGlite by default; PostgreSQL works too): a
 * durable log in the database's `bus` schema, created or migrated on first open. Every Bus opened
 * on the same Database shares one log, its consumer groups included, like clients of one broker;
 * engine settings (partitions, retention, batching) come from the first open. One process must
 * own the database (libs/db enforces it for PGlite). `close()` leaves the Database open.
 */
export async function createEmbeddedBus(options: EmbeddedBusOptions): Promise<EmbeddedBus> {
  const resolved = resolveOptions(options);
  let shared = logs.get(resolved.db);
  if (!shared) {
    const created: Shared = { log: EmbeddedLog.open(resolved), handles: 0 };
    created.log.catch(() => {
      if (logs.get(resolved.db) === created) logs.delete(resolved.db);
    });
    logs.set(resolved.db, created);
    shared = created;
  }
  shared.handles++;
  let log: EmbeddedLog;
  try {
    log = await shared.log;
  } catch (err) {
    shared.handles--;
    throw err;
  }
  return openHandle(log, shared);
}

function openHandle(log: EmbeddedLog, shared: Shared): EmbeddedBus {
  const subscriptions = new Set<Subscription>();
  let closing: Promise<void> | undefined;
  let closed = false;
  const closedError = () => retryableError("the embedded event log is closed", "bus_closed");
  /** Publishing stays open while close() lets the handlers in flight finish (they may publish). */
  const checkOpen = () => {
    if (closed) throw closedError();
  };

  return {
    kind: "embedded",

    async publish(records) {
      checkOpen();
      await log.publish(records);
    },

    async ensureTopics(specs: TopicSpec[]): Promise<TopicChange[]> {
      checkOpen();
      return log.registry.ensure(specs);
    },

    async listTopics(): Promise<TopicInfo[]> {
      checkOpen();
      return log.registry.list();
    },

    async subscribe(options: SubscribeOptions): Promise<Subscription> {
      if (closing) throw closedError();
      if (!options.group) throw permanentError("subscribe needs a group", "invalid_subscription");
      if (options.topics.length === 0) throw permanentError("subscribe needs topics", "invalid_subscription");
      for (const topic of options.topics) await log.registry.require(topic);
      const member: Member = {
        id: ++memberSeq,
        topics: new Set(options.topics),
        handleBatch: options.handleBatch,
        fromBeginning: options.fromBeginning ?? true,
        maxBatchRecords: Math.max(1, Math.floor(options.maxBatchRecords ?? DEFAULT_MAX_BATCH_RECORDS)),
      };
      const group = log.group(options.group);
      try {
        await group.join(member);
      } catch (err) {
        await group.leave(member).catch(() => undefined);
        throw err;
      }
      let stopped: Promise<void> | undefined;
      const subscription: Subscription = {
        group: options.group,
        stop() {
          stopped ??= group.leave(member).finally(() => subscriptions.delete(subscription));
          return stopped;
        },
      };
      subscriptions.add(subscription);
      if (closing) {
        // close() began while this member joined: it must not outlive the handle.
        await subscription.stop();
        throw closedError();
      }
      return subscription;
    },

    async lag(group: string): Promise<PartitionLag[]> {
      checkOpen();
      return log.lag(group);
    },

    async endOffsets(topic: string): Promise<number[]> {
      checkOpen();
      return (log.registry.get(topic)?.partitions ?? []).map((p) => p.highWatermark);
    },

    close() {
      closing ??= (async () => {
        await Promise.allSettled([...subscriptions].map((s) => s.stop()));
        closed = true;
        shared.handles--;
        if (shared.handles === 0) {
          if (logs.get(log.db) === shared) logs.delete(log.db);
          await log.shutdown();
        } else {
          await log.writer.drain();
        }
      })();
      return closing;
    },
  };
}
