import { configureLogging, createLogger } from "@loginguard/observability";
import { loadPlatformEnv, openPlatform, platformOptionsFromEnv, runModules } from "@loginguard/platform";
import { loadResponderConfig } from "./env";
import { createResponderService } from "./service";

/** Distributed mode: the responder alone in its process (`npm start -w @loginguard/responder`). */
const platformEnv = loadPlatformEnv();
const config = loadResponderConfig();
configureLogging({ level: platformEnv.LOG_LEVEL });
const logger = createLogger("responder");

const platform = await openPlatform({
  ...platformOptionsFromEnv(platformEnv),
  service: "responder",
  needsDatabase: true,
  logger,
});
if (!platform.db) throw new Error("the responder needs a database");
const service = createResponderService({ bus: platform.bus, db: platform.db, config, logger });
const running = await runModules("responder", [service], platform, { port: platformEnv.PORT });
logger.info({ url: running.url }, "responder listening");
