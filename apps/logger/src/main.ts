import { configureLogging, createLogger } from "@loginguard/observability";
import { loadPlatformEnv, openPlatform, platformOptionsFromEnv, runModules } from "@loginguard/platform";
import { loadLoggerConfig } from "./env";
import { createLoggerService } from "./service";

/** Distributed mode: the logger alone in its process (`npm start -w @loginguard/logger`). */
const platformEnv = loadPlatformEnv();
const config = loadLoggerConfig();
configureLogging({ level: platformEnv.LOG_LEVEL });
const logger = createLogger("logger");

const platform = await openPlatform({
  ...platformOptionsFromEnv(platformEnv),
  service: "logger",
  needsDatabase: true,
  logger,
});
if (!platform.db) throw new Error("the logger needs a database");
const service = createLoggerService({
  bus: platform.bus,
  db: platform.db,
  config,
  logger,
  secureCookies: platformEnv.NODE_ENV === "production",
});
const running = await runModules("logger", [service], platform, { port: platformEnv.PORT });
logger.info({ url: running.url }, "logger listening");
