/**
 * Distributed mode: ip-checker as its own process (`npm start -w @loginguard/ip-checker`), N
 * replicas sharing the `ip-checker` consumer group. Serves health, readiness and metrics only.
 */
import { configureLogging } from "@loginguard/observability";
import { loadPlatformEnv, openPlatform, platformOptionsFromEnv, runModules } from "@loginguard/platform";
import { loadIpCheckerConfig } from "./env";
import { createIpCheckerService } from "./service";

const env = loadPlatformEnv();
configureLogging({ level: env.LOG_LEVEL });
const config = loadIpCheckerConfig();
const platform = await openPlatform({
  ...platformOptionsFromEnv(env),
  service: "ip-checker",
  needsDatabase: false,
});
// On a failed start (a bad GEOIP_DB, say) runModules stops what it started, the platform included.
await runModules("ip-checker", [createIpCheckerService({ bus: platform.bus, config })], platform, {
  port: env.PORT,
});
