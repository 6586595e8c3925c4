import type { Bus, BusRecord, Subscription } from "@loginguard/bus";
import { decodeEvent, EVENT_TYPES, TOPICS } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import type { StatusCache } from "./status-cache";

/** At most one warning per this interval about records the cache could not use. */
const WARN_INTERVAL_MS = 60_000;

export interface StatusConsumer {
  /**
   * True once every partition of `account.changed` was read up to the end offset it had when the
   * consumer started (issue 9 point 3): every change written before the start is applied.
   */
  isWarm(): boolean;
  /** Partitions of `account.changed` not yet read up to their start-time end offset. */
  readonly behind: number;
  readonly applied: number;
  readonly skipped: number;
  /** `account.changed` events ignored because the cache held a newer version. */
  readonly stale: number;
  stop(): Promise<void>;
}

const ACCEPTS = [EVENT_TYPES.accountChanged, EVENT_TYPES.ipFlagged] as const;

/**
 * Keeps `cache` up to date from `account.changed` and `ip.flagged`. The consumer group must be
 * unique to this process instance and read from the beginning, so every replica holds every
 * account. It never commits (the cache lives in memory and replays at every start), so a
 * process start leaves no group offsets behind.
 *
 * Warm is exact, not a guess: before subscribing it takes the end offset of every
 * `account.changed` partition, and it is warm once each was reached. `ip.flagged` is not waited
 * for (a flag is a hint, and its records expire by time, so its start offsets may never come).
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
  /** account.changed partition -> end offset at start, for those not reached yet. */
  const pending = new Map<number, bigint>();
  for (const [partition, end] of await bus.endOffsets(TOPICS.accountChanged)) {
    if (BigInt(end) > 0n) pending.set(partition, BigInt(end));
  }
  let applied = 0;
  let skipped = 0;
  let stale = 0;
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
      if (!cache.setAccount(event.data.accountId, event.data.state, event.data.version ?? 0)) stale++;
    } else {
      cache.flagIp(event.data.ip, Date.parse(event.data.until));
    }
    applied++;
  };

  const subscription: Subscription = await bus.subscribe({
    group: options.group,
    topics: [TOPICS.accountChanged, TOPICS.ipFlagged],
    fromBeginning: true,
    commit: false,
    async handleBatch(batch) {
      for (const record of batch.records) apply(record);
      const last = batch.records.at(-1);
      if (!last || batch.topic !== TOPICS.accountChanged) return;
      const end = pending.get(batch.partition);
      if (end !== undefined && BigInt(last.offset) + 1n >= end) pending.delete(batch.partition);
    },
  });

  return {
    isWarm: () => pending.size === 0,
    get behind() {
      return pending.size;
    },
    get stale() {
      return stale;
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
