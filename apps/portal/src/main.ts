import { configureLogging, createLogger } from "@loginguard/observability";
import { loadPlatformEnv, openPlatform, platformOptionsFromEnv, runModules } from "@loginguard/platform";
import { loadPortalConfig } from "./env";
import { createPortalService } from "./service";

/**
 * Distributed mode: the portal alone in its process (`npm start -w @loginguard/portal`). Its pages
 * call the logger's, account-security's and responder's APIs on the same origin, so put all of
 * them behind one reverse proxy (apps/portal/README.md lists the paths).
 */
const platformEnv = loadPlatformEnv();
const config = loadPortalConfig();
configureLogging({ level: platformEnv.LOG_LEVEL });
const logger = createLogger("portal");

const platform = await openPlatform({
  ...platformOptionsFromEnv(platformEnv),
  service: "portal",
  needsDatabase: true,
  logger,
});
if (!platform.db) throw new Error("the portal needs a database");
const service = createPortalService({
  bus: platform.bus,
  db: platform.db,
  config,
  logger,
  committedOffsets: platform.committedOffsets,
});
const running = await runModules("portal", [service], platform, { port: platformEnv.PORT });
logger.info({ url: running.url }, "portal listening");
