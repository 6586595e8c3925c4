import { configureLogging, createLogger } from "@loginguard/observability";
import { loadPlatformEnv, openPlatform, platformOptionsFromEnv, runModules } from "@loginguard/platform";
import { loadRelayConfig } from "./env";
import { createRelayService } from "./service";

/**
 * The relay as its own process (distributed mode, `npm start -w @loginguard/relay`): the event
 * log from KAFKA_BROKERS (else the embedded log in DATA_DIR), the routes of RELAY_ROUTES_DIR, and
 * the admin API, health, readiness and metrics on PORT. It keeps no data of its own.
 */
async function main(): Promise<void> {
  const platformEnv = loadPlatformEnv();
  const config = loadRelayConfig();
  configureLogging({ level: platformEnv.LOG_LEVEL });
  const platform = await openPlatform({
    ...platformOptionsFromEnv(platformEnv),
    service: "relay",
    needsDatabase: false,
  });
  const relay = createRelayService({ bus: platform.bus, config });
  try {
    const running = await runModules("relay", [relay], platform, { port: platformEnv.PORT });
    createLogger("relay").info({ url: running.url, routesDir: config.routesDir }, "relay listening");
    await running.stopped;
  } catch (err) {
    await platform.close().catch(() => {});
    throw err;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`relay: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
