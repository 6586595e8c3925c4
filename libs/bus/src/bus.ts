import type { WireRecord } from "@loginguard/events";

/** A record to publish: the wire record plus its topic. */
export interface OutgoingRecord extends WireRecord {
  topic: string;
}

/** A record as consumed, with its position in the log. */
export interface BusRecord extends WireRecord {
  topic: string;
  partition: number;
  /** Decimal string (Kafka offsets are int64). */
  offset: string;
  /** Append time, epoch milliseconds. */
  timestamp: number;
}

/** How a topic should exist (infra/topics.json). */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** Kafka only; the embedded log has one copy. */
  replicationFactor?: number;
  /** Records older than this may be deleted; undefined keeps the driver's default. */
  retentionMs?: number;
  /** Extra Kafka topic configs, e.g. `min.insync.replicas`. */
  config?: Record<string, string>;
}

export interface TopicInfo {
  name: string;
  partitions: number;
}

/** What `ensureTopics` did to one topic. */
export interface TopicChange {
  name: string;
  action: "created" | "partitions_added" | "unchanged";
  partitions: number;
}

/** One partition's worth of consecutive records, in offset order. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  records: BusRecord[];
}

/** Given to a batch handler so long work stays safe. */
export interface BatchControl {
  /** Keeps group membership alive while a handler waits (retries with backoff). */
  heartbeat(): Promise<void>;
  /** False once the subscription is stopping or lost the partition: stop, do not commit. */
  isRunning(): boolean;
  /** Aborted when the subscription stops; pass to sleeps and HTTP calls. */
  signal: AbortSignal;
}

export interface SubscribeOptions {
  /** Consumer group: members share the partitions; committed offsets are per group. */
  group: string;
  topics: string[];
  /** Where a group with no committed offset starts. Default true: the log's beginning. */
  fromBeginning?: boolean;
  /**
   * Commit offsets after each batch (default true). False: nothing is ever committed, so the group
   * leaves nothing behind (a cache that replays from the beginning at every start, such as
   * ingest's status cache, would otherwise leave one group with offsets per process start).
   */
  commit?: boolean;
  /** Upper bound of records handed to one handleBatch call. Default 500. */
  maxBatchRecords?: number;
  /**
   * Handles one batch. When it resolves, the driver commits the offset after the batch's last
   * record. When it throws, nothing is committed and the batch is delivered again later
   * (at-least-once). Batches of one partition never overlap; different partitions may run at once.
   */
  handleBatch(batch: PartitionBatch, control: BatchControl): Promise<void>;
}

export interface Subscription {
  readonly group: string;
  /** Stops fetching, waits for the batches in flight to finish and commit, then leaves the group. */
  stop(): Promise<void>;
}

/**
 * The event log. Two drivers implement it (embedded on the embedded database, Kafka through
 * kafkajs) and pass one contract suite; stages cannot tell which one they run on.
 */
export interface Bus {
  readonly kind: "embedded" | "kafka";
  /**
   * Appends records; resolves only once every record is durably acknowledged (Kafka `acks=-1`,
   * embedded: committed to the database). Records with the same key on one topic keep their order.
   */
  publish(records: OutgoingRecord[]): Promise<void>;
  /** Creates missing topics and adds partitions; never removes anything. */
  ensureTopics(specs: TopicSpec[]): Promise<TopicChange[]>;
  listTopics(): Promise<TopicInfo[]>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * The end offset of every partition of `topic` now (the offset the next record will get; Kafka's
   * high watermark), as decimal strings by partition number. A reader that has reached these on
   * every partition has seen everything written before the call.
   */
  endOffsets(topic: string): Promise<Map<number, string>>;
  /** Stops every subscription and releases connections. */
  close(): Promise<void>;
}
