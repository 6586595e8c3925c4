import { hostname } from "node:os";
import { type ApiKeys, parseApiKeys } from "@loginguard/auth";
import { envFields, parseEnv } from "@loginguard/config";
import { z } from "zod";

const apiKeys = z
  .string()
  .transform((text, ctx): ApiKeys => {
    try {
      return parseApiKeys(text);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  })
  .default(new Map());

/** The variables this app reads (exported so infra checks can name them). */
export const ingestEnvSchema = z.object({
  /** Ingest API keys, `name:key` pairs separated by commas (keys 16+ characters). Default: none. */
  INGEST_API_KEYS: apiKeys,
  /** Events per second per key before 429 (bucket holds 2 s worth). Default 5000. */
  INGEST_RATE_PER_SECOND: envFields.positiveInt(5000),
  /** How long an accepted eventId is remembered to answer retries without publishing. Default 600. */
  INGEST_DEDUPE_WINDOW_SECONDS: envFields.positiveInt(600),
  /** Most eventIds remembered for that (about 95 bytes each: 200000 is about 19 MB). Default 200000. */
  INGEST_DEDUPE_MAX_ENTRIES: envFields.positiveInt(200_000),
  /** How long a request waits for the event log's acknowledgement before 503. Default 10000. */
  INGEST_PUBLISH_TIMEOUT_MS: envFields.positiveInt(10_000),
  /**
   * Most accounts with a non-default status (locked, country lists, travel) held in memory, about
   * 350 bytes each: 500000 is about 175 MB. Past it the least recently changed are dropped (logged).
   * Default 500000.
   */
  INGEST_STATUS_MAX_ACCOUNTS: envFields.positiveInt(500_000),
  /** Most flagged IPs held in memory. Default 100000. */
  INGEST_STATUS_MAX_FLAGGED_IPS: envFields.positiveInt(100_000),
  /** Consumer group of the status cache; must be unique per process. Default `ingest-status-<host>-<pid>-<random>`. */
  INGEST_STATUS_GROUP: z.string().min(1).max(200).optional(),
});

/** Everything ingest reads from the environment, parsed. */
export interface IngestConfig {
  /** Named ingest keys; the service refuses to start without one. */
  apiKeys: ApiKeys;
  ratePerSecond: number;
  /** Token bucket size in seconds of the rate. */
  burstSeconds: number;
  dedupeWindowMs: number;
  dedupeMaxEntries: number;
  publishTimeoutMs: number;
  statusMaxAccounts: number;
  statusMaxFlaggedIps: number;
  /** Consumer group of this process's status cache. */
  statusGroup: string;
}

/**
 * A consumer group name no other process and no earlier run of this one uses: in a container
 * the host name and pid 1 stay the same across restarts, so a random part is added, and the
 * in-memory cache always replays from the beginning.
 */
export function uniqueStatusGroup(): string {
  return `ingest-status-${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Parses ingest's environment variables; throws a ConfigError naming every bad one. */
export function loadIngestConfig(env: Record<string, string | undefined> = process.env): IngestConfig {
  const e = parseEnv(ingestEnvSchema, env);
  return {
    apiKeys: e.INGEST_API_KEYS,
    ratePerSecond: e.INGEST_RATE_PER_SECOND,
    burstSeconds: 2,
    dedupeWindowMs: e.INGEST_DEDUPE_WINDOW_SECONDS * 1000,
    dedupeMaxEntries: e.INGEST_DEDUPE_MAX_ENTRIES,
    publishTimeoutMs: e.INGEST_PUBLISH_TIMEOUT_MS,
    statusMaxAccounts: e.INGEST_STATUS_MAX_ACCOUNTS,
    statusMaxFlaggedIps: e.INGEST_STATUS_MAX_FLAGGED_IPS,
    statusGroup: e.INGEST_STATUS_GROUP ?? uniqueStatusGroup(),
  };
}
