import type { ApiKeys } from "@loginguard/auth";
import {
  type Bus,
  type CommittedOffsets,
  createEmbeddedBus,
  createKafkaBus,
  type EmbeddedBus,
  type EndOffsets,
  kafkaEndOffsets,
} from "@loginguard/bus";
import { type Database, openDatabase } from "@loginguard/db";
import { permanentError } from "@loginguard/errors";
import type { ReadinessCheck } from "@loginguard/http";
import { configureTracing, createLogger, type Logger, shutdownTracing } from "@loginguard/observability";
import type { PlatformEnv } from "./env";

export interface PlatformOptions {
  /** The Kafka client id and log component, e.g. "logger". */
  service: string;
  /** Set: distributed mode on Kafka. */
  kafkaBrokers?: string[];
  /** Kafka consumer group timing (KAFKA_SESSION_TIMEOUT_MS, KAFKA_HEARTBEAT_INTERVAL_MS). */
  kafkaGroupTiming?: { sessionTimeoutMs: number; heartbeatIntervalMs: number };
  /** Set: PostgreSQL; else PGlite in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /** Whether this process needs a database (ingest and ip-checker on Kafka do not). */
  needsDatabase: boolean;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: set, spans are exported there (OpenTelemetry SDK). */
  otlpEndpoint?: string;
  /** ADMIN_API_KEYS: set, `runModules` serves the operations admin API with them. */
  adminKeys?: ApiKeys;
  logger?: Logger;
}

/** The options `openPlatform` takes from the environment: mode, database, data directory, Kafka timing. */
export function platformOptionsFromEnv(
  env: PlatformEnv,
): Pick<
  PlatformOptions,
  "kafkaBrokers" | "databaseUrl" | "dataDir" | "kafkaGroupTiming" | "adminKeys" | "otlpEndpoint"
> {
  return {
    ...(env.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
    ...(env.ADMIN_API_KEYS ? { adminKeys: env.ADMIN_API_KEYS } : {}),
    kafkaBrokers: env.KAFKA_BROKERS,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    kafkaGroupTiming: {
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: env.KAFKA_HEARTBEAT_INTERVAL_MS,
    },
  };
}

/** The event log and database of one process, with readiness checks for `/readyz`. */
export interface Platform {
  readonly mode: "embedded" | "distributed";
  readonly bus: Bus;
  readonly db: Database | undefined;
  readonly readiness: Record<string, ReadinessCheck>;
  /** End offsets of a topic's partitions (the dead-letter tools read topics up to them). */
  readonly endOffsets: EndOffsets;
  /** A consumer group's committed offsets on a topic (the loss detector's "handled" signal). */
  readonly committedOffsets: CommittedOffsets;
  /** Admin API keys of the operations admin API; empty: not served. */
  readonly adminKeys: ApiKeys;
  close(): Promise<void>;
}

/**
 * Opens what a process runs on (docs/ARCHITECTURE.md section 4): Kafka + PostgreSQL when KAFKA_BROKERS is
 * set, else the embedded log on PGlite (or on PostgreSQL when DATABASE_URL is set).
 */
export async function openPlatform(options: PlatformOptions): Promise<Platform> {
  const logger = options.logger ?? createLogger("platform");
  if (options.otlpEndpoint) configureTracing({ otlpEndpoint: options.otlpEndpoint });
  const distributed = (options.kafkaBrokers?.length ?? 0) > 0;
  if (distributed && options.needsDatabase && !options.databaseUrl) {
    throw permanentError(
      `${options.service} needs DATABASE_URL in distributed mode (KAFKA_BROKERS is set)`,
      "config",
    );
  }
  const db =
    options.needsDatabase || !distributed
      ? await openDatabase(
          options.databaseUrl ? { databaseUrl: options.databaseUrl } : { dataDir: options.dataDir },
        )
      : undefined;
  let bus: Bus;
  let embeddedBus: EmbeddedBus | undefined;
  try {
    if (distributed) {
      bus = createKafkaBus({
        brokers: options.kafkaBrokers!,
        clientId: `loginguard-${options.service}`,
        ...options.kafkaGroupTiming,
        rebalanceTimeoutMs: Math.max(10_000, 2 * (options.kafkaGroupTiming?.sessionTimeoutMs ?? 30_000)),
      });
    } else {
      embeddedBus = await createEmbeddedBus({ db: db! });
      bus = embeddedBus;
    }
  } catch (err) {
    await db?.close();
    throw err;
  }
  logger.info(
    { mode: distributed ? "distributed" : "embedded", database: db?.kind ?? "none" },
    "event log and database open",
  );
  const readiness: Record<string, ReadinessCheck> = {
    eventLog: async () => {
      await bus.listTopics();
    },
  };
  if (db) {
    readiness.database = async () => {
      await db.sql.query("select 1");
    };
  }
  const kafkaOffsets = embeddedBus ? undefined : kafkaEndOffsets(options.kafkaBrokers!);
  return {
    mode: distributed ? "distributed" : "embedded",
    bus,
    db,
    readiness,
    adminKeys: options.adminKeys ?? new Map(),
    committedOffsets: async (group, topic) => {
      if (!embeddedBus) return kafkaOffsets!.committedOffsets(group, topic);
      const ends = await partitionEnds(bus, topic);
      const byPartition = new Map(
        (await embeddedBus.lag(group))
          .filter((l) => l.topic === topic)
          .map((l) => [l.partition, l.committed]),
      );
      return ends.map((_, p) => byPartition.get(p) ?? null);
    },
    endOffsets: (topic) => partitionEnds(bus, topic),
    async close() {
      await kafkaOffsets?.close();
      await bus.close();
      if (options.otlpEndpoint) await shutdownTracing().catch(() => undefined);
      await db?.close();
    },
  };
}

/** Each partition's end offset of `topic` in partition order, from the Bus; [] when there is no such topic. */
async function partitionEnds(bus: Bus, topic: string): Promise<number[]> {
  if (!(await bus.listTopics()).some((t) => t.name === topic)) return [];
  const ends = await bus.endOffsets(topic);
  return [...ends.entries()].sort(([a], [b]) => a - b).map(([, end]) => Number(end));
}
