import { fileURLToPath } from "node:url";
import { type ApiKeys, parseApiKeys } from "@loginguard/auth";
import { envFields, parseEnv } from "@loginguard/config";
import { z } from "zod";

/** The repository's `infra/` directory, whatever the working directory (`npm start -w` runs in apps/relay). */
const INFRA_DIR = fileURLToPath(new URL("../../../infra/", import.meta.url));

const apiKeys = z.string().transform((text, ctx): ApiKeys => {
  try {
    return parseApiKeys(text);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
});

/**
 * The relay's own variables. PORT, DATA_DIR, DATABASE_URL, KAFKA_BROKERS and LOG_LEVEL are the
 * platform's (`loadPlatformEnv` in @loginguard/platform).
 */
/** The variables this app reads (exported so infra checks can name them). */
export const relayEnvSchema = z.object({
  /** Directory whose `*.json` files are the routes. Default: the repository's `infra/routes`. */
  RELAY_ROUTES_DIR: z.string().min(1).default(`${INFRA_DIR}routes`),
  /** The topics file; its defaults shape output topics it does not declare. Default: `infra/topics.json`. */
  TOPICS_FILE: z.string().min(1).default(`${INFRA_DIR}topics.json`),
  /** Milliseconds between rescans of the routes directory (besides file-change events). Default 5000. */
  RELAY_RELOAD_INTERVAL_MS: envFields.positiveInt(5000),
  /** `name:key,...` admin API keys for `POST /v1/admin/topics/apply` and the route list. Default none. */
  ADMIN_API_KEYS: apiKeys.optional(),
});

/** Everything the relay reads from the environment, parsed. */
export interface RelayConfig {
  routesDir: string;
  topicsFile: string;
  reloadIntervalMs: number;
  adminKeys: ApiKeys;
  /**
   * The value of an environment variable a route names for its credentials (`auth.tokenEnv`).
   * Routes are config-as-code and reviewed; the secrets they need stay in the relay's environment.
   */
  secret(name: string): string | undefined;
}

/** Parses the relay's environment variables; throws a ConfigError naming every bad one. */
export function loadRelayConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env,
): RelayConfig {
  const e = parseEnv(relayEnvSchema, env);
  return {
    routesDir: e.RELAY_ROUTES_DIR,
    topicsFile: e.TOPICS_FILE,
    reloadIntervalMs: e.RELAY_RELOAD_INTERVAL_MS,
    adminKeys: e.ADMIN_API_KEYS ?? new Map(),
    secret: (name) => {
      const value = env[name];
      return value === undefined || value === "" ? undefined : value;
    },
  };
}
