import type { SqlClient } from "@loginguard/db";
import { describeError } from "@loginguard/errors";
import { type Logger, metrics } from "@loginguard/observability";
import type { BatchControl, BusRecord } from "../bus";
import { readChunks } from "./chunk-reader";
import type { LogWriter } from "./log-writer";
import { type Member, positionKey } from "./member";
import type { PartitionLog } from "./partition-log";

/** What a worker needs from its group. */
export interface WorkerContext {
  readonly group: string;
  readonly sql: SqlClient;
  readonly writer: LogWriter;
  readonly logger: Logger;
  readonly idlePollMs: number;
  readonly backoff: { initial: number; max: number };
  readonly binaryChunks: boolean;
  /** The group's next offset per partition (positionKey), moved as batches complete. */
  readonly positions: Map<string, number>;
}

/**
 * Consumes one partition for one group member: fetch (tail cache, else database), handle,
 * commit `last + 1`, repeat; when caught up, sleep until a write wakes the partition. A batch
 * whose handler throws is not committed and comes again after a backoff. Batches never overlap.
 */
export class PartitionWorker {
  private readonly abort = new AbortController();
  private stopping = false;
  private done: Promise<void> = Promise.resolve();
  /** Records read from the database and not yet handled, in offset order. */
  private ahead: BusRecord[] = [];
  private lastCommit: Promise<void> | undefined;
  private commitFailed = false;
  private failures = 0;
  private readonly control: BatchControl = {
    heartbeat: async () => {},
    isRunning: () => !this.stopping,
    signal: this.abort.signal,
  };

  constructor(
    readonly log: PartitionLog,
    readonly member: Member,
    private readonly ctx: WorkerContext,
  ) {}

  start(position: number): void {
    this.done = this.run(position);
  }

  /** Stops fetching, lets the batch in flight finish and commit, and resolves when it has. */
  stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort(new Error("subscription stopped or partition reassigned"));
    return this.done;
  }

  private async run(start: number): Promise<void> {
    const { log, ctx } = this;
    let position = start;
    log.setReader(this, position);
    try {
      while (!this.stopping) {
        // From the first turn: a partition with nothing to read shows lag 0, not no series.
        metrics.consumerLag.set(
          { group: ctx.group, topic: log.topic, partition: String(log.partition) },
          Math.max(0, log.highWatermark - position),
        );
        let records: BusRecord[];
        try {
          records = await this.fetch(position);
        } catch (err) {
          ctx.logger.error(
            { err: describeError(err), topic: log.topic, partition: log.partition, offset: position },
            "embedded log read failed",
          );
          await this.pause();
          continue;
        }
        if (records.length === 0) {
          if (this.commitFailed) {
            // Caught up with a commit that did not make it: store the position before idling.
            this.commit(position);
            await this.lastCommit;
            if (this.commitFailed) await this.pause();
            continue;
          }
          await log.waitFor(position, this.abort.signal, ctx.idlePollMs);
          continue;
        }
        try {
          await this.member.handleBatch(
            { topic: log.topic, partition: log.partition, records },
            this.control,
          );
        } catch (err) {
          if (!this.stopping) {
            ctx.logger.warn(
              {
                err: describeError(err),
                group: ctx.group,
                topic: log.topic,
                partition: log.partition,
                offset: records[0]!.offset,
              },
              "batch handler failed; the records will be delivered again",
            );
            await this.pause();
          }
          continue;
        }
        this.failures = 0;
        position = Number(records[records.length - 1]!.offset) + 1;
        log.setReader(this, position);
        ctx.positions.set(positionKey(log.topicId, log.partition), position);
        // Not awaited: the next batch is fetched and handled while the commit joins the next write.
        this.commit(position);
        metrics.consumerLag.set(
          { group: ctx.group, topic: log.topic, partition: String(log.partition) },
          Math.max(0, log.highWatermark - position),
        );
      }
    } finally {
      await this.lastCommit;
      if (this.commitFailed) {
        this.commit(position);
        await this.lastCommit;
      }
      log.removeReader(this);
    }
  }

  /** Commits `position` through the group-commit writer; a failure is logged and retried later. */
  private commit(position: number): void {
    const { log, ctx } = this;
    if (!this.member.commit) return;
    this.lastCommit = ctx.writer.commit(ctx.group, log, position).then(
      () => {
        this.commitFailed = false;
      },
      (err: unknown) => {
        this.commitFailed = true;
        ctx.logger.warn(
          { err: describeError(err), group: ctx.group, topic: log.topic, partition: log.partition, position },
          "offset commit failed; it is retried",
        );
      },
    );
  }

  private async fetch(position: number): Promise<BusRecord[]> {
    const max = this.member.maxBatchRecords;
    if (this.ahead.length > 0) {
      let skip = 0;
      while (skip < this.ahead.length && Number(this.ahead[skip]!.offset) < position) skip++;
      if (skip > 0) this.ahead = this.ahead.slice(skip);
      // Kept until a later fetch finds them passed: a failed batch is served again from here.
      if (this.ahead.length > 0) return this.ahead.slice(0, max);
    }
    const cached = this.log.read(position, max);
    if (cached) return cached.map((c) => ({ ...c.record, headers: { ...c.record.headers } }));
    const read = await readChunks(this.ctx.sql, this.log, position, max, this.ctx.binaryChunks);
    if (read.length === 0) {
      // The high watermark says there is more, yet the database has nothing: never spin on it.
      throw new Error(
        `no chunk at or after offset ${position} below high watermark ${this.log.highWatermark}`,
      );
    }
    this.ahead = read;
    return read.slice(0, max);
  }

  /** Waits before the same records are tried again: doubling, with jitter; cut short by stop. */
  private pause(): Promise<void> {
    const { initial, max } = this.ctx.backoff;
    this.failures++;
    const ceiling = Math.min(max, initial * 2 ** Math.min(this.failures - 1, 20));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, delay);
      this.abort.signal.addEventListener("abort", done, { once: true });
    });
  }
}
