import { type ApiKeys, parseApiKeys } from "@loginguard/auth";
import { envFields, parseEnv } from "@loginguard/config";
import { z } from "zod";

/** Variables every loginguard process reads (docs/ARCHITECTURE.md section 6, "Every service"). */
export const platformEnvSchema = z.object({
  /** HTTP port. Default 8080 (embedded: everything on it; distributed: this app's API). */
  PORT: envFields.port(8080),
  /** Embedded mode's data directory (PGlite and the embedded event log). Default ./data. */
  DATA_DIR: z.string().default("./data"),
  /** Kafka bootstrap servers `host:port,...`. Set: distributed mode on Kafka. */
  KAFKA_BROKERS: envFields.brokers().optional(),
  /** Kafka consumer group session timeout: how soon a dead member's partitions move. Default 30000. */
  KAFKA_SESSION_TIMEOUT_MS: envFields.positiveInt(30_000),
  /** Kafka consumer heartbeat interval; well under the session timeout. Default 3000. */
  KAFKA_HEARTBEAT_INTERVAL_MS: envFields.positiveInt(3_000),
  /** PostgreSQL URL. Set: services keep their data in PostgreSQL instead of PGlite. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "expected postgres://...")
    .optional(),
  /** pino level: trace, debug, info, warn, error, fatal, silent. Default info. */
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** production turns off development helpers (dev sign-in) and sets Secure cookies. */
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** OTLP/HTTP collector base URL (e.g. http://otel-collector:4318). Set: traces are exported; unset: none. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * `name:key,...` admin API keys. Set: the process serves the operations admin API
   * (`/v1/admin/stages`, `/v1/admin/dlq`) besides each app's own admin routes. Default none.
   */
  ADMIN_API_KEYS: z
    .string()
    .transform((text, ctx): ApiKeys => {
      try {
        return parseApiKeys(text);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
});

export type PlatformEnv = z.infer<typeof platformEnvSchema>;

export function loadPlatformEnv(env: Record<string, string | undefined> = process.env): PlatformEnv {
  return parseEnv(platformEnvSchema, env);
}
