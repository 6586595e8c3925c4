import type { Bus, BusRecord, Subscription } from "@loginguard/bus";
import { decodeEvent, EVENT_TYPES, TOPICS } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import type { StatusCache } from "./status-cache";

/** The cache counts as caught up once it applied a record appended this recently... */
const HEAD_AGE_MS = 5_000;
/** ...or once no record came for this long after the last batch... */
const QUIET_AFTER_BATCH_MS = 1_000;
/** ...or for this long after subscribing (an empty topic; a Kafka group join takes seconds). */
const QUIET_AFTER_START_MS = 5_000;
/** At most one warning per this interval about records the cache could not use. */
const WARN_INTERVAL_MS = 60_000;

export interface StatusConsumer {
  /** True once the cache has replayed the topics up to about now (heuristic, see above). */
  isWarm(): boolean;
  readonly applied: number;
  readonly skipped: number;
  stop(): Promise<void>;
}

const ACCEPTS = [EVENT_TYPES.accountChanged, EVENT_TYPES.ipFlagged] as const;

/**
 * Keeps `cache` up to date from `account.changed` and `ip.flagged`. The consumer group must be
 * unique to this process instance and read from the beginning, so every replica holds every
 * account; it commits offsets like any group, but a restarted process uses a new group and
 * replays again (the cache lives in memory).
 *
 * Records it cannot decode are skipped, not dead-lettered: every replica would dead-letter the
 * same record again; the stages that own these topics' consumers do that once.
 */
export async function startStatusConsumer(
  bus: Bus,
  cache: StatusCache,
  options: { group: string; logger: Logger; now?: () => number },
): Promise<StatusConsumer> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  let lastBatchAt: number | undefined;
  let warm = false;
  let applied = 0;
  let skipped = 0;
  let lastWarnAt = Number.NEGATIVE_INFINITY;

  const apply = (record: BusRecord): void => {
    if (record.topic === TOPICS.accountChanged && record.value === null && record.key !== null) {
      cache.forgetAccount(record.key);
      applied++;
      return;
    }
    const decoded = decodeEvent(record, ACCEPTS);
    if (!decoded.ok) {
      skipped++;
      if (now() - lastWarnAt >= WARN_INTERVAL_MS) {
        lastWarnAt = now();
        options.logger.warn(
          { err: decoded.error.message, topic: record.topic, offset: record.offset, skipped },
          "status cache skipped a record it cannot use",
        );
      }
      return;
    }
    const event = decoded.event;
    if (event.type === EVENT_TYPES.accountChanged) {
      cache.setAccount(event.data.accountId, event.data.state);
    } else {
      cache.flagIp(event.data.ip, Date.parse(event.data.until));
    }
    applied++;
  };

  const subscription: Subscription = await bus.subscribe({
    group: options.group,
    topics: [TOPICS.accountChanged, TOPICS.ipFlagged],
    fromBeginning: true,
    async handleBatch(batch) {
      for (const record of batch.records) apply(record);
      const last = batch.records.at(-1);
      lastBatchAt = now();
      if (last && last.timestamp >= lastBatchAt - HEAD_AGE_MS) warm = true;
    },
  });

  return {
    isWarm() {
      if (warm) return true;
      const t = now();
      warm =
        lastBatchAt === undefined
          ? t - startedAt >= QUIET_AFTER_START_MS
          : t - lastBatchAt >= QUIET_AFTER_BATCH_MS;
      return warm;
    },
    get applied() {
      return applied;
    },
    get skipped() {
      return skipped;
    },
    stop: () => subscription.stop(),
  };
}
