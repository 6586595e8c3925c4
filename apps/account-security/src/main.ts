import { configureLogging, createLogger } from "@loginguard/observability";
import { loadPlatformEnv, openPlatform, platformOptionsFromEnv, runModules } from "@loginguard/platform";
import { loadAccountSecurityConfig } from "./env";
import { createAccountSecurityService } from "./service";

/** Distributed mode: account-security alone in its process (`npm start -w @loginguard/account-security`). */
const platformEnv = loadPlatformEnv();
const config = loadAccountSecurityConfig();
configureLogging({ level: platformEnv.LOG_LEVEL });
const logger = createLogger("account-security");

const platform = await openPlatform({
  ...platformOptionsFromEnv(platformEnv),
  service: "account-security",
  needsDatabase: true,
  logger,
});
if (!platform.db) throw new Error("account-security needs a database");
const service = createAccountSecurityService({ bus: platform.bus, db: platform.db, config, logger });
const running = await runModules("account-security", [service], platform, { port: platformEnv.PORT });
logger.info({ url: running.url, stateCache: service.accounts.caching }, "account-security listening");
