import { type ApiKeys, parseApiKeys } from "@loginguard/auth";
import { envFields, parseEnv } from "@loginguard/config";
import { z } from "zod";

const apiKeys = z.string().transform((text, ctx): ApiKeys => {
  try {
    return parseApiKeys(text);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
});

/**
 * The logger's own variables. PORT, DATA_DIR, DATABASE_URL, KAFKA_BROKERS and LOG_LEVEL are the
 * platform's (`loadPlatformEnv` in @loginguard/platform).
 */
/** The variables this app reads (exported so infra checks can name them). */
export const loggerEnvSchema = z.object({
  /** Days of successful logins whose countries travel as `countriesSeen`. Default 90. */
  HISTORY_WINDOW_DAYS: envFields.positiveInt(90),
  /** Minutes in which failed logins are counted (per account and per IP). Default 15. */
  FAILURE_WINDOW_MINUTES: envFields.positiveInt(15),
  /** Days a full IP is kept before only its masked form remains. Default 90. */
  IP_RETENTION_DAYS: envFields.positiveInt(90),
  /** Days a history line (and its decisions and notifications) is kept. Default 365. */
  HISTORY_RETENTION_DAYS: envFields.positiveInt(365),
  /** Minutes between two runs of the retention job. Default 60. */
  RETENTION_INTERVAL_MINUTES: envFields.positiveInt(60),
  /** Records in flight per logger stage (backpressure). Default 500. */
  LOGGER_MAX_IN_FLIGHT: envFields.positiveInt(500),
  /** HS256 secret of player tokens (32+ characters); required. */
  PLAYER_TOKEN_SECRET: z.string().min(32),
  /** Secret the portal signs staff sessions with (shared, 32+ characters). Unset: staff routes take ADMIN_API_KEYS only. */
  STAFF_SESSION_SECRET: z.string().min(32).optional(),
  /** `name:key,...` admin API keys for staff routes without a session. Default none. */
  ADMIN_API_KEYS: apiKeys.optional(),
});

/** How the logger computes history context and keeps history. */
export interface HistorySettings {
  historyWindowDays: number;
  failureWindowMinutes: number;
  ipRetentionDays: number;
  historyRetentionDays: number;
}

/** Everything the logger needs besides the platform, parsed once at start. */
export interface LoggerConfig extends HistorySettings {
  retentionIntervalMinutes: number;
  maxInFlight: number;
  playerTokenSecret: string;
  staffSessionSecret: string | null;
  adminKeys: ApiKeys;
}

/** Reads the logger's configuration from `env` (process.env by default); throws a clear message. */
export function loadLoggerConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env,
): LoggerConfig {
  const e = parseEnv(loggerEnvSchema, env);
  return {
    historyWindowDays: e.HISTORY_WINDOW_DAYS,
    failureWindowMinutes: e.FAILURE_WINDOW_MINUTES,
    ipRetentionDays: e.IP_RETENTION_DAYS,
    historyRetentionDays: e.HISTORY_RETENTION_DAYS,
    retentionIntervalMinutes: e.RETENTION_INTERVAL_MINUTES,
    maxInFlight: e.LOGGER_MAX_IN_FLIGHT,
    playerTokenSecret: e.PLAYER_TOKEN_SECRET,
    staffSessionSecret: e.STAFF_SESSION_SECRET ?? null,
    adminKeys: e.ADMIN_API_KEYS ?? new Map(),
  };
}
