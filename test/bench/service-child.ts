// One loginguard service in its own process, as distributed mode runs it (apps/*/src/main.ts):
// the platform on KAFKA_BROKERS + DATABASE_URL and the service's module (or, without
// KAFKA_BROKERS, alone on an embedded log in DATA_DIR). Prints `READY <url>` once it serves;
// SIGTERM stops it.
import { createAllModules, selectServices } from "@loginguard/cli";
import type { ServiceModule } from "@loginguard/http";
import { createIngestService, loadIngestConfig } from "@loginguard/ingest";
import { createIpCheckerService, loadIpCheckerConfig } from "@loginguard/ip-checker";
import { configureLogging } from "@loginguard/observability";
import { loadPlatformEnv, openPlatform, runModules } from "@loginguard/platform";
import { ensureBenchTopics } from "./topics.ts";

const env = { ...process.env };
const [service] = selectServices(env.BENCH_SERVICE);
if (!service || env.BENCH_SERVICE?.includes(",")) throw new Error("BENCH_SERVICE names one service");
const platformEnv = loadPlatformEnv(env);
configureLogging({ level: platformEnv.LOG_LEVEL });
// On Kafka, ingest and ip-checker keep no data (as their main.ts open no database).
const stateless = service === "ingest" || service === "ip-checker";
const platform = await openPlatform({
  service,
  kafkaBrokers: platformEnv.KAFKA_BROKERS,
  databaseUrl: platformEnv.DATABASE_URL,
  dataDir: platformEnv.DATA_DIR,
  needsDatabase: !stateless,
  kafkaGroupTiming: {
    sessionTimeoutMs: platformEnv.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: platformEnv.KAFKA_HEARTBEAT_INTERVAL_MS,
  },
});
// Embedded (no KAFKA_BROKERS): this process owns its log, so it makes the topics, as `start` does.
if (!platformEnv.KAFKA_BROKERS) await ensureBenchTopics(platform.bus, true);
const modules: ServiceModule[] =
  service === "ingest"
    ? [createIngestService({ bus: platform.bus, config: loadIngestConfig(env) })]
    : service === "ip-checker"
      ? [createIpCheckerService({ bus: platform.bus, config: loadIpCheckerConfig(env) })]
      : createAllModules(platform, env, [service]);
const running = await runModules(service, modules, platform, { port: platformEnv.PORT, host: "127.0.0.1" });
process.stdout.write(`READY ${running.url}\n`);
await running.stopped;
// Exit even if a library left a timer behind (and so that --cpu-prof writes its profile).
process.exit(0);
