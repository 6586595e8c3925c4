import { fileURLToPath } from "node:url";
import { type Bus, loadTopicsFile, topicSpecsOf } from "@loginguard/bus";
import { configureLogging, createLogger } from "@loginguard/observability";
import {
  loadPlatformEnv,
  openPlatform,
  type Platform,
  platformOptionsFromEnv,
  runModules,
} from "@loginguard/platform";
import { createAllModules, selectServices } from "../compose";
import { type EmbeddedSecrets, loadOrCreateSecrets, withEmbeddedDefaults } from "../embedded-secrets";

export const TOPICS_FILE = fileURLToPath(new URL("../../../../infra/topics.json", import.meta.url));

export interface StartedLoginguard {
  url: string;
  mode: "embedded" | "distributed";
  /** Set in embedded mode: the generated keys (operator-set ones are not repeated here). */
  secrets: EmbeddedSecrets | undefined;
  firstStart: boolean;
  /** The event log the product runs on (tests read and re-publish records through it). */
  bus: Bus;
  /** The event log and database every service of this process runs on (tests look at them directly). */
  platform: Platform;
  stop(): Promise<void>;
  stopped: Promise<void>;
}

/**
 * Starts every service in this process: embedded on PGlite by default, or on Kafka + PostgreSQL
 * when KAFKA_BROKERS and DATABASE_URL are set. Topics from infra/topics.json are created first.
 */
export async function startLoginguard(env: Record<string, string | undefined>): Promise<StartedLoginguard> {
  const platformEnv = loadPlatformEnv(env);
  configureLogging({ level: platformEnv.LOG_LEVEL });
  const logger = createLogger("loginguard");
  const embedded = !platformEnv.KAFKA_BROKERS;
  let secrets: EmbeddedSecrets | undefined;
  let firstStart = false;
  let moduleEnv = env;
  if (embedded) {
    const loaded = loadOrCreateSecrets(platformEnv.DATA_DIR);
    secrets = loaded.secrets;
    firstStart = loaded.created;
    moduleEnv = withEmbeddedDefaults(env, secrets);
  }
  const platform = await openPlatform({
    // From the modules' environment: in embedded mode it holds the generated admin key.
    ...platformOptionsFromEnv(loadPlatformEnv(moduleEnv)),
    service: "all",
    needsDatabase: true,
  });

  try {
    const file = loadTopicsFile(moduleEnv.TOPICS_FILE ?? TOPICS_FILE);
    // The embedded log has one copy and no brokers: replication settings do not apply.
    const specs = topicSpecsOf(file).map((s) => (embedded ? { ...s, replicationFactor: 1, config: {} } : s));
    const changes = await platform.bus.ensureTopics(specs).catch((err: unknown) => {
      if (embedded) throw err;
      logger.warn({ err: String(err) }, "could not create topics; run `loginguard topics apply`");
      return [];
    });
    const created = changes.filter((c) => c.action !== "unchanged").length;
    if (created > 0) logger.info({ created }, "topics created");
    const modules = createAllModules(platform, moduleEnv, selectServices(moduleEnv.LOGINGUARD_SERVICES));
    const running = await runModules("all", modules, platform, { port: platformEnv.PORT });
    return {
      url: running.url,
      mode: platform.mode,
      secrets,
      firstStart,
      bus: platform.bus,
      platform,
      stop: running.stop,
      stopped: running.stopped,
    };
  } catch (err) {
    await platform.close().catch(() => {});
    throw err;
  }
}

/** What a newcomer needs after `npm start`: where to look and how to send a login. */
export function banner(started: StartedLoginguard, env: Record<string, string | undefined>): string {
  const url = started.url;
  const lines = [
    "",
    `loginguard is running (${started.mode} mode) on ${url}`,
    "",
    `  Player history      ${url}/me        (development sign-in: ${url}/dev/sign-in)`,
    `  Support console     ${url}/console`,
    `  API reference       ${url}/docs      (${url}/openapi.json)`,
    `  Health / metrics    ${url}/healthz  ${url}/readyz  ${url}/metrics`,
  ];
  if (started.secrets) {
    const ingestKey = env.INGEST_API_KEYS ? "(from INGEST_API_KEYS)" : started.secrets.ingestApiKey;
    const adminKey = env.ADMIN_API_KEYS ? "(from ADMIN_API_KEYS)" : started.secrets.adminApiKey;
    lines.push(
      "",
      `  Ingest API key      ${ingestKey}`,
      `  Admin API key       ${adminKey}`,
      `  ${started.firstStart ? "Generated now and kept" : "Kept"} in ${env.DATA_DIR ?? "./data"}/secrets.json; set INGEST_API_KEYS etc. to use your own.`,
    );
  }
  const key = started.secrets && !env.INGEST_API_KEYS ? started.secrets.ingestApiKey : "<ingest key>";
  lines.push(
    "",
    "  Send a login:",
    `    curl -X POST ${url}/v1/logins -H 'authorization: Bearer ${key}' -H 'content-type: application/json' \\`,
    `      -d '{"accountId":"player-1","occurredAt":"${new Date().toISOString()}","ip":"175.223.10.4","result":"success"}'`,
    "  Drive realistic traffic (travel, takeovers, credential stuffing):",
    "    npm run loginguard -- simulate",
    "",
  );
  return lines.join("\n");
}
