import type { SqlClient } from "@loginguard/db";
import { describeError } from "@loginguard/errors";
import type { Logger } from "@loginguard/observability";
import type { LogWriter } from "./log-writer";
import { type Member, positionKey } from "./member";
import type { PartitionLog } from "./partition-log";
import { PartitionWorker } from "./partition-worker";
import type { Topic, TopicRegistry } from "./topics";

/** What a group needs from the log. */
export interface GroupContext {
  readonly sql: SqlClient;
  readonly registry: TopicRegistry;
  readonly writer: LogWriter;
  readonly logger: Logger;
  readonly idlePollMs: number;
  readonly backoff: { initial: number; max: number };
  readonly binaryChunks: boolean;
}

/**
 * An in-process consumer group: its members share each topic's partitions (partition p goes to
 * the (p mod n)-th of the n members subscribed to the topic, in join order). Assignment is
 * recomputed when a member joins or leaves or a topic gains partitions; a partition that moves
 * is handed over only after its old worker finished its batch in flight and committed, so two
 * members never hold one partition at once. Rebalances run one at a time.
 */
export class ConsumerGroup {
  private readonly members: Member[] = [];
  private readonly workers = new Map<PartitionLog, PartitionWorker>();
  private positions: Map<string, number> | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly ctx: GroupContext,
  ) {}

  join(member: Member): Promise<void> {
    this.members.push(member);
    return this.rebalance();
  }

  /** Removes the member; resolves once its partitions are drained, committed and handed over. */
  leave(member: Member): Promise<void> {
    const i = this.members.indexOf(member);
    if (i >= 0) this.members.splice(i, 1);
    return this.rebalance();
  }

  /** A topic was created or gained partitions. */
  topicChanged(topic: Topic): void {
    if (this.members.some((m) => m.topics.has(topic.name))) void this.rebalance();
  }

  /** The group's next offsets as this process knows them (loaded once, then kept current). */
  async committedPositions(): Promise<Map<string, number>> {
    if (!this.positions) {
      const { rows } = await this.ctx.sql.query<{
        topic_id: number;
        partition: number;
        next_offset: number | bigint;
      }>("SELECT topic_id, partition, next_offset FROM bus.offsets WHERE group_id = $1", [this.name]);
      this.positions ??= new Map(
        rows.map((r) => [positionKey(r.topic_id, r.partition), Number(r.next_offset)]),
      );
    }
    return this.positions;
  }

  private rebalance(): Promise<void> {
    const run = this.chain.then(() => this.rebalanceNow());
    this.chain = run.catch((err: unknown) => {
      this.ctx.logger.error({ err: describeError(err), group: this.name }, "consumer group rebalance failed");
    });
    return run;
  }

  private assignment(): Map<PartitionLog, Member> {
    const desired = new Map<PartitionLog, Member>();
    const topicNames = new Set(this.members.flatMap((m) => [...m.topics]));
    for (const name of topicNames) {
      const topic = this.ctx.registry.get(name);
      if (!topic) continue;
      const subscribers = this.members.filter((m) => m.topics.has(name));
      topic.partitions.forEach((log, p) => {
        desired.set(log, subscribers[p % subscribers.length]!);
      });
    }
    return desired;
  }

  private async rebalanceNow(): Promise<void> {
    // First, so that a database failure here leaves the current assignment running.
    const positions = await this.committedPositions();
    const desired = this.assignment();
    const moving: Promise<void>[] = [];
    for (const [log, worker] of this.workers) {
      if (desired.get(log) !== worker.member) {
        moving.push(worker.stop());
        this.workers.delete(log);
      }
    }
    await Promise.all(moving);
    for (const [log, member] of desired) {
      if (this.workers.has(log)) continue;
      const key = positionKey(log.topicId, log.partition);
      let position = positions.get(key);
      if (position !== undefined && position > log.highWatermark) {
        this.ctx.logger.warn(
          { group: this.name, topic: log.topic, partition: log.partition, position, end: log.highWatermark },
          "committed offset is past the end of the partition; starting at its end",
        );
        position = log.highWatermark;
      }
      if (position === undefined) {
        position = member.fromBeginning ? 0 : log.highWatermark;
        if (!member.fromBeginning) {
          // Remember "the end when the group started", so a later rebalance does not skip ahead.
          positions.set(key, position);
          this.ctx.writer.commit(this.name, log, position).catch(() => undefined);
        }
      }
      const worker = new PartitionWorker(log, member, { ...this.ctx, group: this.name, positions });
      this.workers.set(log, worker);
      worker.start(position);
    }
  }
}
