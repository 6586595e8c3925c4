import { describeError } from "@loginguard/errors";
import type { Logger } from "@loginguard/observability";
import type { TopicOffsets } from "kafkajs";

/** Commits offsets to the group coordinator (one OffsetCommit request). */
export type CommitOffsets = (offsets: { topics: TopicOffsets[] }) => Promise<void>;

/** kafkajs error types that mean this member lost its partitions: kafkajs must rejoin the group. */
const MEMBERSHIP_LOST = new Set([
  "REBALANCE_IN_PROGRESS",
  "NOT_COORDINATOR_FOR_GROUP",
  "ILLEGAL_GENERATION",
  "UNKNOWN_MEMBER_ID",
]);

/** True when `err` says this member is no longer in the group's current generation. */
export function isMembershipLost(err: unknown): boolean {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === "string" && MEMBERSHIP_LOST.has(type);
}

const MAX_ATTEMPTS = 5;

/**
 * Coalesces the commits of one consumer: handled batches mark "next offset" per partition, and
 * one OffsetCommit request at a time carries every partition's latest mark. Handlers of the next
 * batches do not wait for the round trip; `flush()` does (stop, before leaving the group).
 * A commit that fails is retried a few times; when the member lost its partitions the marks are
 * dropped (the new owner redelivers from the last commit: at-least-once).
 */
export class OffsetCommitter {
  private readonly pending = new Map<string, { topic: string; partition: number; offset: string }>();
  private running: Promise<void> | undefined;
  private commitFn: CommitOffsets | undefined;

  constructor(private readonly logger: Logger) {}

  /** Records that everything before `offset` is handled; commits soon. */
  mark(topic: string, partition: number, offset: string, commit: CommitOffsets): void {
    this.commitFn = commit;
    this.pending.set(`${topic}\u0000${partition}`, { topic, partition, offset });
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when every mark made so far is committed (or given up). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Forgets marks of partitions this member no longer owns (after a rebalance). */
  retain(assignment: Record<string, number[]>): void {
    for (const [key, { topic, partition }] of this.pending) {
      if (!assignment[topic]?.includes(partition)) this.pending.delete(key);
    }
  }

  private async drain(): Promise<void> {
    let attempt = 0;
    while (this.pending.size > 0 && this.commitFn) {
      const batch = [...this.pending.values()];
      this.pending.clear();
      const byTopic = new Map<string, TopicOffsets>();
      for (const { topic, partition, offset } of batch) {
        let entry = byTopic.get(topic);
        if (!entry) {
          entry = { topic, partitions: [] };
          byTopic.set(topic, entry);
        }
        entry.partitions.push({ partition, offset });
      }
      try {
        await this.commitFn({ topics: [...byTopic.values()] });
        attempt = 0;
      } catch (err) {
        attempt++;
        if (isMembershipLost(err) || attempt >= MAX_ATTEMPTS) {
          this.logger.warn(
            { err: describeError(err), partitions: batch.length, attempt },
            "offset commit failed; the records will be delivered again",
          );
          this.pending.clear();
          return;
        }
        // Put the marks back unless a newer one arrived meanwhile, then retry.
        for (const mark of batch) {
          const key = `${mark.topic}\u0000${mark.partition}`;
          if (!this.pending.has(key)) this.pending.set(key, mark);
        }
        this.logger.debug({ err: describeError(err), attempt }, "offset commit failed, retrying");
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }
}
