import type { SqlClient } from "@loginguard/db";
import { describeError, retryableError } from "@loginguard/errors";
import type { WireRecord } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import type { BusRecord } from "../bus";
import { encodeChunk } from "./codec";
import type { CachedRecord, PartitionLog } from "./partition-log";

/** One record on its way into a partition. */
export interface AppendEntry {
  log: PartitionLog;
  record: WireRecord;
  /** Its encoded size (codec.ts). */
  size: number;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

interface AppendRequest extends Waiter {
  entries: AppendEntry[];
  bytes: number;
}

interface CommitRequest {
  group: string;
  log: PartitionLog;
  nextOffset: number;
  waiters: Waiter[];
}

interface Chunk {
  log: PartitionLog;
  baseOffset: number;
  entries: AppendEntry[];
  buf: Buffer;
  values: Array<Buffer | null>;
}

export interface LogWriterOptions {
  lingerMs: number;
  /** Chunks as binary parameters; else base64 text decoded by the server. */
  binaryChunks: boolean;
  maxBatchRecords: number;
  maxBatchBytes: number;
}

/**
 * Group commit: every append and offset commit that arrives while a write is in flight goes into
 * the next write, which is ONE statement (a multi-row INSERT of chunks, one per partition, and a
 * multi-row offset upsert in a data-modifying CTE), so it commits atomically in one round trip.
 * A caller resolves once the statement holding its records has committed. Offsets come from the
 * in-memory counters; a failed write puts them back and re-reads the partitions' ends before
 * the next write, in case the commit happened after all (a connection lost on PostgreSQL).
 */
export class LogWriter {
  private appends: AppendRequest[] = [];
  private commits = new Map<string, CommitRequest>();
  private loop: Promise<void> | undefined;
  private readonly resync = new Set<PartitionLog>();

  constructor(
    private readonly sql: SqlClient,
    private readonly options: LogWriterOptions,
    private readonly logger: Logger,
  ) {}

  /** Appends the entries (in order per partition); resolves when they are durable. */
  append(entries: AppendEntry[], bytes: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.appends.push({ entries, bytes, resolve, reject });
      this.kick();
    });
  }

  /** Stores a group's next offset for a partition; resolves when it is durable. */
  commit(group: string, log: PartitionLog, nextOffset: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const key = `${log.topicId}/${log.partition}/${group}`;
      const pending = this.commits.get(key);
      if (pending) {
        pending.nextOffset = nextOffset;
        pending.waiters.push({ resolve, reject });
      } else {
        this.commits.set(key, { group, log, nextOffset, waiters: [{ resolve, reject }] });
      }
      this.kick();
    });
  }

  /** Resolves when everything queued so far has been written (or failed). */
  async drain(): Promise<void> {
    while (this.loop) await this.loop;
  }

  private kick(): void {
    if (this.loop) return;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
      if (this.appends.length > 0 || this.commits.size > 0) this.kick();
    });
  }

  private async run(): Promise<void> {
    while (this.appends.length > 0 || this.commits.size > 0) {
      // Let the callers that are ready in this turn of the event loop join the write.
      await new Promise<void>((resolve) =>
        this.options.lingerMs > 0 ? setTimeout(resolve, this.options.lingerMs) : setImmediate(resolve),
      );
      await this.writeOnce();
    }
  }

  private takeAppends(): AppendRequest[] {
    let records = 0;
    let bytes = 0;
    let n = 0;
    for (const request of this.appends) {
      const fits =
        records + request.entries.length <= this.options.maxBatchRecords &&
        bytes + request.bytes <= this.options.maxBatchBytes;
      if (n > 0 && !fits) break;
      records += request.entries.length;
      bytes += request.bytes;
      n++;
    }
    return this.appends.splice(0, n);
  }

  private async writeOnce(): Promise<void> {
    const appends = this.takeAppends();
    const commits = [...this.commits.values()];
    this.commits.clear();
    const waiters: Waiter[] = [...appends, ...commits.flatMap((c) => c.waiters)];
    if (waiters.length === 0) return;

    const appendTs = Date.now();
    let chunks: Chunk[] = [];
    try {
      await this.resyncEnds();
      chunks = this.buildChunks(appends);
      const { sql, params } = statement(chunks, commits, appendTs, this.options.binaryChunks);
      await this.sql.query(sql, params);
    } catch (err) {
      // Nothing of this write is visible: put the counters back, and check the database before
      // the next write in case the commit happened after all.
      for (const chunk of chunks) {
        chunk.log.resetEnd(chunk.baseOffset);
        this.resync.add(chunk.log);
      }
      this.fail(waiters, err, chunks.length);
      return;
    }
    for (const chunk of chunks) {
      chunk.log.committed(chunk.baseOffset, chunk.entries.length, () => cachedRecords(chunk, appendTs));
    }
    for (const waiter of waiters) waiter.resolve();
  }

  /** Groups the records per partition, in arrival order, and assigns their offsets. */
  private buildChunks(appends: AppendRequest[]): Chunk[] {
    const perLog = new Map<PartitionLog, AppendEntry[]>();
    for (const request of appends) {
      for (const entry of request.entries) {
        const list = perLog.get(entry.log);
        if (list) list.push(entry);
        else perLog.set(entry.log, [entry]);
      }
    }
    const chunks: Chunk[] = [];
    for (const [log, entries] of perLog) {
      let size = 0;
      for (const e of entries) size += e.size;
      const values: Array<Buffer | null> = [];
      const buf = encodeChunk(
        entries.map((e) => e.record),
        size,
        values,
      );
      chunks.push({ log, baseOffset: 0, entries, buf, values });
    }
    // Offsets only once every chunk is encoded, so a failure above leaves the counters alone.
    for (const chunk of chunks) {
      chunk.baseOffset = chunk.log.nextOffset;
      chunk.log.nextOffset += chunk.entries.length;
    }
    return chunks;
  }

  /** After a failed write: the partitions' ends as the database has them. */
  private async resyncEnds(): Promise<void> {
    if (this.resync.size === 0) return;
    const logs = [...this.resync];
    const { rows } = await this.sql.query<{ topic_id: number; partition: number; last: number | bigint }>(
      `SELECT c.topic_id, c.partition, max(c.last_offset) AS last FROM bus.chunks c
       JOIN (VALUES ${logs.map((l) => `(${l.topicId},${l.partition})`).join(",")}) AS p(topic_id, partition)
         ON c.topic_id = p.topic_id AND c.partition = p.partition
       GROUP BY c.topic_id, c.partition`,
    );
    for (const row of rows) {
      const log = logs.find((l) => l.topicId === row.topic_id && l.partition === row.partition);
      const end = Number(row.last) + 1;
      if (log && end > log.nextOffset) {
        this.logger.warn(
          { topic: log.topic, partition: log.partition, end },
          "a failed write had committed after all; moving past its records",
        );
        log.resetEnd(end);
      }
    }
    this.resync.clear();
  }

  private fail(waiters: Waiter[], cause: unknown, chunks: number): void {
    this.logger.error(
      { err: describeError(cause), chunks, callers: waiters.length },
      "embedded log write failed",
    );
    const err = retryableError(
      `embedded log write failed: ${describeError(cause)}`,
      "bus_write_failed",
      { chunks },
      cause,
    );
    for (const waiter of waiters) waiter.reject(err);
  }
}

/**
 * The one statement of a write: chunk inserts and offset upserts. Numbers go inline. Chunks go as
 * binary parameters, or as base64 text the server decodes (stock PGlite serializes a bytea
 * parameter to hex with a JS loop per byte, far slower than Node's native base64).
 */
function statement(
  chunks: Chunk[],
  commits: CommitRequest[],
  appendTs: number,
  binaryChunks: boolean,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const parts: string[] = [];
  if (chunks.length > 0) {
    const rows = chunks.map((c) => {
      params.push(binaryChunks ? c.buf : c.buf.toString("base64"));
      const value = binaryChunks ? `$${params.length}` : `decode($${params.length},'base64')`;
      const last = c.baseOffset + c.entries.length - 1;
      return `(${c.log.topicId},${c.log.partition},${last},${c.baseOffset},${appendTs},${value})`;
    });
    parts.push(
      `INSERT INTO bus.chunks (topic_id, partition, last_offset, base_offset, append_ts, records) VALUES ${rows.join(",")}`,
    );
  }
  if (commits.length > 0) {
    const groupParam = new Map<string, number>();
    const rows = commits.map((c) => {
      let i = groupParam.get(c.group);
      if (i === undefined) {
        params.push(c.group);
        i = params.length;
        groupParam.set(c.group, i);
      }
      return `($${i},${c.log.topicId},${c.log.partition},${c.nextOffset})`;
    });
    parts.push(
      `INSERT INTO bus.offsets (group_id, topic_id, partition, next_offset) VALUES ${rows.join(",")}
       ON CONFLICT (group_id, topic_id, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`,
    );
  }
  const sql = parts.length === 2 ? `WITH appended AS (${parts[0]}) ${parts[1]}` : parts[0]!;
  return { sql, params };
}

/** The committed records as consumers get them from the tail cache. */
function cachedRecords(chunk: Chunk, appendTs: number): CachedRecord[] {
  const { log, baseOffset, entries, values } = chunk;
  return entries.map((entry, i): CachedRecord => {
    const record: BusRecord = {
      topic: log.topic,
      partition: log.partition,
      offset: String(baseOffset + i),
      timestamp: appendTs,
      key: entry.record.key,
      value: values[i] ?? null,
      headers: { ...entry.record.headers },
    };
    return { record, size: entry.size };
  });
}
