import { createAccountSecurityService, loadAccountSecurityConfig } from "@loginguard/account-security";
import type { ServiceModule } from "@loginguard/http";
import { createIngestService, loadIngestConfig } from "@loginguard/ingest";
import { createIpCheckerService, loadIpCheckerConfig } from "@loginguard/ip-checker";
import { createLoggerService, loadLoggerConfig } from "@loginguard/logger";
import type { Platform } from "@loginguard/platform";
import { createPortalService, loadPortalConfig } from "@loginguard/portal";
import { createResponderService, loadResponderConfig } from "@loginguard/responder";

/**
 * Every service of loginguard on one platform (one process), in pipeline order. Each parses its
 * own configuration from `env`; they share nothing but the event log and the database, where
 * each keeps its own schema.
 */
export function createAllModules(
  platform: Platform,
  env: Record<string, string | undefined>,
): ServiceModule[] {
  const { bus, db } = platform;
  if (!db) throw new Error("all-in-one needs a database");
  const secureCookies = env.NODE_ENV === "production";
  return [
    createIngestService({ bus, config: loadIngestConfig(env) }),
    createIpCheckerService({ bus, config: loadIpCheckerConfig(env) }),
    createLoggerService({ bus, db, config: loadLoggerConfig(env), secureCookies }),
    createAccountSecurityService({ bus, db, config: loadAccountSecurityConfig(env) }),
    createResponderService({ bus, db, config: loadResponderConfig(env) }),
    createPortalService({ bus, db, config: loadPortalConfig(env) }),
  ];
}
