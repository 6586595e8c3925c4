import type { SqlClient } from "@loginguard/db";
import { permanentError } from "@loginguard/errors";
import type { TopicChange, TopicInfo, TopicSpec } from "../bus";
import { PartitionLog } from "./partition-log";

/** One topic as the embedded log holds it in memory. */
export interface Topic {
  readonly id: number;
  readonly name: string;
  retentionMs: number;
  /** One log per partition; grows when partitions are added, never shrinks. */
  readonly partitions: PartitionLog[];
  /** Next partition for a record without a key. */
  roundRobin: number;
}

/** Kafka's rule for topic names, so a topic can move between the drivers. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function checkTopicName(name: string): void {
  if (!TOPIC_NAME.test(name) || name === "." || name === "..") {
    throw permanentError(`invalid topic name ${JSON.stringify(name)}`, "invalid_topic", { topic: name });
  }
}

/**
 * The retention a spec asks for: its `retentionMs`; else -1 (forever) for a compacted topic
 * (`cleanup.policy=compact` without `delete`), which Kafka never deletes by age. The embedded log
 * does not compact: readers of such a topic see every version of a key, the latest last.
 */
function retentionOf(spec: TopicSpec): number | undefined {
  if (spec.retentionMs !== undefined) return spec.retentionMs;
  const policy = spec.config?.["cleanup.policy"]?.split(",").map((p) => p.trim());
  if (policy?.includes("compact") && !policy.includes("delete")) return -1;
  return undefined;
}

interface TopicRow {
  id: number;
  name: string;
  partitions: number;
  retention_ms: number | bigint;
}

/**
 * The topics, their partitions and offset counters, loaded once at start: this process owns the
 * log, so later changes go to the database and memory together.
 */
export class TopicRegistry {
  private readonly byName = new Map<string, Topic>();
  private readonly creating = new Map<string, Promise<Topic>>();
  private readonly listeners = new Set<(topic: Topic) => void>();
  private ensuring: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sql: SqlClient,
    private readonly defaults: { partitions: number; retentionMs: number; cacheBytes: number },
  ) {}

  /** Reads every topic and the end offset of each partition (one query each). */
  async load(): Promise<void> {
    const { rows } = await this.sql.query<TopicRow>(
      "SELECT id, name, partitions, retention_ms FROM bus.topics ORDER BY id",
    );
    const ends = await this.sql.query<{ topic_id: number; partition: number; last: number | bigint | null }>(
      `SELECT t.id AS topic_id, p.partition,
         (SELECT c.last_offset FROM bus.chunks c
           WHERE c.topic_id = t.id AND c.partition = p.partition
           ORDER BY c.last_offset DESC LIMIT 1) AS last
       FROM bus.topics t CROSS JOIN LATERAL generate_series(0, t.partitions - 1) AS p(partition)`,
    );
    const endOf = new Map<string, number>();
    for (const e of ends.rows) {
      if (e.last !== null) endOf.set(`${e.topic_id}/${e.partition}`, Number(e.last) + 1);
    }
    for (const row of rows) {
      const topic: Topic = {
        id: row.id,
        name: row.name,
        retentionMs: Number(row.retention_ms),
        partitions: [],
        roundRobin: 0,
      };
      this.addPartitions(topic, row.partitions, (p) => endOf.get(`${row.id}/${p}`) ?? 0);
      this.byName.set(topic.name, topic);
    }
  }

  /** Called after a topic is created or gains partitions. */
  onChange(listener: (topic: Topic) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(name: string): Topic | undefined {
    return this.byName.get(name);
  }

  all(): Topic[] {
    return [...this.byName.values()];
  }

  list(): TopicInfo[] {
    return this.all()
      .map((t) => ({ name: t.name, partitions: t.partitions.length }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The topic, created with the defaults when missing (Kafka's auto-create). */
  async require(name: string): Promise<Topic> {
    const existing = this.byName.get(name);
    if (existing) return existing;
    checkTopicName(name);
    return this.createOnce(name, this.defaults.partitions, this.defaults.retentionMs);
  }

  /** Creates missing topics, adds partitions, and applies a given retention; never removes anything. */
  ensure(specs: TopicSpec[]): Promise<TopicChange[]> {
    const run = this.ensuring.then(() => this.ensureNow(specs));
    this.ensuring = run.catch(() => undefined);
    return run;
  }

  private async ensureNow(specs: TopicSpec[]): Promise<TopicChange[]> {
    for (const spec of specs) {
      checkTopicName(spec.name);
      if (spec.retentionMs !== undefined && !(spec.retentionMs > 0 || spec.retentionMs === -1)) {
        throw permanentError(
          `topic ${spec.name}: retentionMs must be > 0, or -1 (forever)`,
          "invalid_topic",
          {
            topic: spec.name,
          },
        );
      }
    }
    const changes: TopicChange[] = [];
    for (const spec of specs) {
      const wanted = spec.partitions > 0 ? Math.floor(spec.partitions) : this.defaults.partitions;
      const retentionMs = retentionOf(spec) ?? this.defaults.retentionMs;
      let topic = this.byName.get(spec.name) ?? (await this.creating.get(spec.name));
      let action: TopicChange["action"] = "unchanged";
      if (!topic) {
        topic = await this.createOnce(spec.name, wanted, retentionMs);
        action = "created";
      }
      const retention = retentionOf(spec);
      if (retention !== undefined && retention !== topic.retentionMs) {
        await this.sql.query("UPDATE bus.topics SET retention_ms = $2 WHERE id = $1", [topic.id, retention]);
        topic.retentionMs = retention;
      }
      if (wanted > topic.partitions.length) {
        await this.sql.query("UPDATE bus.topics SET partitions = $2 WHERE id = $1 AND partitions < $2", [
          topic.id,
          wanted,
        ]);
        // New partitions are empty: their offsets start at 0.
        this.addPartitions(topic, wanted, () => 0);
        this.emit(topic);
        if (action === "unchanged") action = "partitions_added";
      }
      changes.push({ name: spec.name, action, partitions: topic.partitions.length });
    }
    return changes;
  }

  /** One creation per name at a time, so two callers never build two logs for one topic. */
  private createOnce(name: string, partitions: number, retentionMs: number): Promise<Topic> {
    let pending = this.creating.get(name);
    if (!pending) {
      pending = this.create(name, partitions, retentionMs).finally(() => this.creating.delete(name));
      this.creating.set(name, pending);
    }
    return pending;
  }

  private async create(name: string, partitions: number, retentionMs: number): Promise<Topic> {
    const inserted = await this.sql.query<TopicRow>(
      `INSERT INTO bus.topics (name, partitions, retention_ms) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO NOTHING RETURNING id, name, partitions, retention_ms`,
      [name, partitions, retentionMs],
    );
    const row =
      inserted.rows[0] ??
      (
        await this.sql.query<TopicRow>(
          "SELECT id, name, partitions, retention_ms FROM bus.topics WHERE name = $1",
          [name],
        )
      ).rows[0];
    if (!row) throw new Error(`topic ${name} was neither created nor found`);
    const known = this.byName.get(name);
    if (known) return known;
    const topic: Topic = {
      id: row.id,
      name: row.name,
      retentionMs: Number(row.retention_ms),
      partitions: [],
      roundRobin: 0,
    };
    this.addPartitions(topic, row.partitions, () => 0);
    this.byName.set(name, topic);
    this.emit(topic);
    return topic;
  }

  private addPartitions(topic: Topic, count: number, endOf: (partition: number) => number): void {
    for (let p = topic.partitions.length; p < count; p++) {
      topic.partitions.push(new PartitionLog(topic.name, topic.id, p, endOf(p), this.defaults.cacheBytes));
    }
  }

  private emit(topic: Topic): void {
    for (const listener of this.listeners) listener(topic);
  }
}
