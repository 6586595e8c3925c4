import type { Database } from "@loginguard/db";
import { createLogger, type Logger } from "@loginguard/observability";

/** Options of {@link createEmbeddedBus}. */
export interface EmbeddedBusOptions {
  /** The embedded database (PGlite) or a PostgreSQL database; the caller owns and closes it. */
  db: Database;
  /** Default: `createLogger("bus.embedded")`. */
  logger?: Logger;
  /**
   * Partitions of topics created without a count (publish or subscribe to an unknown topic, or
   * a spec with 0 partitions). Default 4: partitions are only concurrency inside one process
   * here, and fewer partitions make bigger batches, which is what PGlite needs.
   */
  defaultPartitions?: number;
  /** Retention of topics created without one. Default 7 days. */
  defaultRetentionMs?: number;
  /**
   * How long a write waits for more records before it starts. Default 0: the next write starts
   * as soon as the one in flight commits, with everything that arrived meanwhile (group commit).
   */
  lingerMs?: number;
  /** Most records in one write transaction (whole publish calls are never split). Default 5000. */
  maxBatchRecords?: number;
  /** Most encoded bytes in one write transaction (a larger single call goes alone). Default 4 MiB. */
  maxBatchBytes?: number;
  /** A record larger than this (key, headers, value) is refused as a permanent error. Default 1,000,000. */
  maxRecordBytes?: number;
  /** How often records past their topic's retention are deleted. Default 60 s. */
  retentionIntervalMs?: number;
  /** Redelivery delay after a failed batch: doubles from `initial` up to `max`, with jitter. Default 100 ms .. 5 s. */
  redeliveryBackoffMs?: { initial: number; max: number };
  /** An idle partition reader checks the log this often even without a wake-up. Default 5 s. */
  idlePollMs?: number;
  /**
   * Send and read chunks as binary `bytea` values instead of base64 text. Default: true on
   * PostgreSQL (node-postgres sends a Buffer as a binary parameter); false on PGlite, whose stock
   * bytea serializer and parser hex-encode in a JS loop per byte. Set it on PGlite when the
   * database passes Uint8Array parameters through as binary (a PGlite `serializers` entry for
   * bytea returning the bytes): the 5-hop pipeline then does about a third more per CPU-second.
   */
  binaryChunks?: boolean;
  /**
   * Recently appended records kept in memory per partition while a consumer reads it, so
   * consumers that keep up never query the database; what every reader has passed is dropped at
   * once, so this bounds only what lagging readers leave behind (they read the database instead).
   * Default 512 KiB per partition.
   */
  tailCacheBytes?: number;
}

/** {@link EmbeddedBusOptions} with every default applied. */
export type ResolvedEmbeddedBusOptions = Required<EmbeddedBusOptions>;

const DAY_MS = 24 * 60 * 60 * 1000;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`embedded bus: ${name} must be > 0, got ${value}`);
  return value;
}

/** Applies the defaults and checks the values. */
export function resolveOptions(options: EmbeddedBusOptions): ResolvedEmbeddedBusOptions {
  const backoff = options.redeliveryBackoffMs ?? { initial: 100, max: 5000 };
  const lingerMs = options.lingerMs ?? 0;
  if (!Number.isFinite(lingerMs) || lingerMs < 0) throw new Error(`embedded bus: lingerMs must be >= 0`);
  return {
    db: options.db,
    logger: options.logger ?? createLogger("bus.embedded"),
    defaultPartitions: Math.floor(positive("defaultPartitions", options.defaultPartitions ?? 4)),
    defaultRetentionMs: positive("defaultRetentionMs", options.defaultRetentionMs ?? 7 * DAY_MS),
    lingerMs,
    maxBatchRecords: Math.floor(positive("maxBatchRecords", options.maxBatchRecords ?? 5000)),
    maxBatchBytes: positive("maxBatchBytes", options.maxBatchBytes ?? 4 * 1024 * 1024),
    maxRecordBytes: positive("maxRecordBytes", options.maxRecordBytes ?? 1_000_000),
    retentionIntervalMs: positive("retentionIntervalMs", options.retentionIntervalMs ?? 60_000),
    redeliveryBackoffMs: {
      initial: positive("redeliveryBackoffMs.initial", backoff.initial),
      max: positive("redeliveryBackoffMs.max", backoff.max),
    },
    idlePollMs: positive("idlePollMs", options.idlePollMs ?? 5000),
    tailCacheBytes: positive("tailCacheBytes", options.tailCacheBytes ?? 512 * 1024),
    binaryChunks: options.binaryChunks ?? options.db.kind === "postgres",
  };
}
