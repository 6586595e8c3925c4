import type { Database } from "@loginguard/db";
import { migrate } from "@loginguard/db";
import type { OutgoingRecord } from "../bus";
import { ConsumerGroup } from "./consumer-group";
import { type AppendEntry, LogWriter } from "./log-writer";
import { positionKey } from "./member";
import { partitionForKey } from "./murmur2";
import type { ResolvedEmbeddedBusOptions } from "./options";
import { normalizeRecord } from "./records";
import { startRetention } from "./retention";
import { BUS_SCHEMA } from "./schema";
import { type Topic, TopicRegistry } from "./topics";

/** Where one consumer group stands on one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** The group's next offset; null when it has committed nothing on this partition. */
  committed: number | null;
  /** The partition's end offset (next offset to be written). */
  end: number;
  /** `end - committed` (`end` when nothing is committed). */
  lag: number;
}

/**
 * The embedded log of one database: topics and offset counters, the group-commit writer, the
 * consumer groups and the retention timer. Every Bus opened on the same Database shares it, as
 * the clients of one broker would; it lives while at least one of them is open.
 */
export class EmbeddedLog {
  readonly registry: TopicRegistry;
  readonly writer: LogWriter;
  private readonly groups = new Map<string, ConsumerGroup>();
  private retention: { stop(): Promise<void> } | undefined;

  private constructor(readonly options: ResolvedEmbeddedBusOptions) {
    const { db, logger } = options;
    this.registry = new TopicRegistry(db.sql, {
      partitions: options.defaultPartitions,
      retentionMs: options.defaultRetentionMs,
      cacheBytes: options.tailCacheBytes,
    });
    this.writer = new LogWriter(db.sql, options, logger);
    this.registry.onChange((topic) => {
      for (const group of this.groups.values()) group.topicChanged(topic);
    });
  }

  /** Migrates the `bus` schema, loads topics and offsets, starts retention. */
  static async open(options: ResolvedEmbeddedBusOptions): Promise<EmbeddedLog> {
    await migrate(options.db, BUS_SCHEMA, options.logger);
    const log = new EmbeddedLog(options);
    await log.registry.load();
    log.retention = startRetention(options.db.sql, log.registry, options.retentionIntervalMs, options.logger);
    return log;
  }

  get db(): Database {
    return this.options.db;
  }

  group(name: string): ConsumerGroup {
    let group = this.groups.get(name);
    if (!group) {
      const { db, logger, idlePollMs, redeliveryBackoffMs, binaryChunks } = this.options;
      group = new ConsumerGroup(name, {
        sql: db.sql,
        registry: this.registry,
        writer: this.writer,
        logger,
        idlePollMs,
        backoff: redeliveryBackoffMs,
        binaryChunks,
      });
      this.groups.set(name, group);
    }
    return group;
  }

  /** Partitions, checks and appends the records; resolves when they are durable. */
  async publish(records: OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const normalized = records.map((r) => normalizeRecord(r, this.options.maxRecordBytes));
    const topics = new Map<string, Topic>();
    for (const r of records) {
      if (!topics.has(r.topic)) {
        topics.set(r.topic, this.registry.get(r.topic) ?? (await this.registry.require(r.topic)));
      }
    }
    let bytes = 0;
    const entries = records.map((r, i): AppendEntry => {
      const topic = topics.get(r.topic)!;
      const { wire, size } = normalized[i]!;
      bytes += size;
      const n = topic.partitions.length;
      const partition = wire.key === null ? topic.roundRobin++ % n : partitionForKey(wire.key, n);
      return { log: topic.partitions[partition]!, record: wire, size };
    });
    await this.writer.append(entries, bytes);
  }

  /** Committed versus end offsets of every partition of the topics the group has committed on. */
  async lag(groupName: string): Promise<PartitionLag[]> {
    const positions = await this.group(groupName).committedPositions();
    const result: PartitionLag[] = [];
    for (const topic of this.registry.all()) {
      const logs = topic.partitions;
      if (!logs.some((l) => positions.has(positionKey(l.topicId, l.partition)))) continue;
      for (const l of logs) {
        const committed = positions.get(positionKey(l.topicId, l.partition)) ?? null;
        const end = l.highWatermark;
        result.push({
          topic: topic.name,
          partition: l.partition,
          committed,
          end,
          lag: Math.max(0, end - (committed ?? 0)),
        });
      }
    }
    return result.sort((a, b) =>
      a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
    );
  }

  /** Stops retention and waits for the writes queued so far. */
  async shutdown(): Promise<void> {
    await this.retention?.stop();
    await this.writer.drain();
  }
}
