import { describeError } from "@loginguard/errors";
import { type Logger, metrics } from "@loginguard/observability";
import type { Admin } from "kafkajs";

/** Watermarks of one partition, as ListOffsets answers. */
interface Watermarks {
  low: bigint;
  high: bigint;
}

/**
 * Records not yet consumed by a group on one partition: from the committed offset (or, with
 * nothing committed, from the log's start, where the group begins) to the high watermark.
 */
export function lagOf(committed: string, low: bigint, high: bigint): number {
  const c = BigInt(committed);
  const from = c < 0n ? low : c < low ? low : c;
  const lag = high - from;
  return lag < 0n ? 0 : Number(lag);
}

/**
 * Samples consumer lag per group, topic and partition into `loginguard_consumer_lag_records`
 * (the gauge the embedded driver sets; docs/ARCHITECTURE.md section 9). At a bounded rate: one
 * round every `intervalMs`, never two at once, a ListOffsets per topic and an OffsetFetch per
 * group per round, whatever the record rate. A failed round is logged at debug and the gauge keeps
 * its last values until the next one succeeds.
 */
export class LagSampler {
  private readonly tracked = new Map<string, { group: string; topics: Set<string>; users: number }>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private closed = false;
  /** Label sets set per group, so a group's series go when it is no longer consumed here. */
  private readonly series = new Map<
    string,
    Map<string, { group: string; topic: string; partition: string }>
  >();

  constructor(
    private readonly admin: () => Promise<Admin>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** Samples `group`'s lag on `topics` until the returned function is called. */
  track(group: string, topics: string[]): () => void {
    if (this.intervalMs <= 0 || this.closed) return () => {};
    let entry = this.tracked.get(group);
    if (!entry) {
      entry = { group, topics: new Set(), users: 0 };
      this.tracked.set(group, entry);
    }
    for (const t of topics) entry.topics.add(t);
    entry.users++;
    this.schedule();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const e = this.tracked.get(group);
      if (!e) return;
      e.users--;
      if (e.users > 0) return;
      this.tracked.delete(group);
      this.forget(group);
    };
  }

  /** One round now (tests, and the first sample after a subscribe). */
  async sampleNow(): Promise<void> {
    if (this.round) return this.round;
    this.round = this.sample().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.round;
  }

  private schedule(): void {
    if (this.timer || this.closed || this.tracked.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sampleNow().finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  private async sample(): Promise<void> {
    if (this.tracked.size === 0) return;
    try {
      const admin = await this.admin();
      const watermarks = new Map<string, Map<number, Watermarks>>();
      const topics = new Set([...this.tracked.values()].flatMap((e) => [...e.topics]));
      for (const topic of topics) {
        const offsets = await admin.fetchTopicOffsets(topic);
        watermarks.set(
          topic,
          new Map(offsets.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }])),
        );
      }
      for (const { group, topics: groupTopics } of [...this.tracked.values()]) {
        const committed = await admin.fetchOffsets({ groupId: group, topics: [...groupTopics] });
        for (const { topic, partitions } of committed) {
          const marks = watermarks.get(topic);
          for (const { partition, offset } of partitions) {
            const m = marks?.get(partition);
            if (!m || !this.tracked.has(group)) continue;
            const labels = { group, topic, partition: String(partition) };
            metrics.consumerLag.set(labels, lagOf(offset, m.low, m.high));
            let set = this.series.get(group);
            if (!set) {
              set = new Map();
              this.series.set(group, set);
            }
            set.set(`${topic}\u0000${partition}`, labels);
          }
        }
      }
    } catch (err) {
      this.logger.debug({ err: describeError(err) }, "consumer lag sample failed; next round later");
    }
  }

  /** Removes the series this sampler set for `group` (its subscriptions are gone). */
  private forget(group: string): void {
    for (const labels of this.series.get(group)?.values() ?? []) metrics.consumerLag.remove(labels);
    this.series.delete(group);
  }
}
