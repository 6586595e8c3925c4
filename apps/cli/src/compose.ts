import { createAccountSecurityService, loadAccountSecurityConfig } from "@loginguard/account-security";
import type { AccountDataHolder, ServiceModule } from "@loginguard/http";
import { createIngestService, loadIngestConfig } from "@loginguard/ingest";
import { createIpCheckerService, loadIpCheckerConfig } from "@loginguard/ip-checker";
import { createLoggerService, loadLoggerConfig } from "@loginguard/logger";
import type { Platform } from "@loginguard/platform";
import { createPortalService, loadPortalConfig } from "@loginguard/portal";
import { createRelayService, loadRelayConfig } from "@loginguard/relay";
import { createResponderService, loadResponderConfig } from "@loginguard/responder";

export const SERVICE_NAMES = [
  "ingest",
  "ip-checker",
  "logger",
  "account-security",
  "responder",
  "portal",
  "relay",
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Parses `LOGINGUARD_SERVICES` (comma-separated; default all), naming a bad entry. */
export function selectServices(list: string | undefined): ServiceName[] {
  if (!list) return [...SERVICE_NAMES];
  const names = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(SERVICE_NAMES as readonly string[]).includes(n)) {
      throw new Error(`LOGINGUARD_SERVICES: unknown service "${n}"; known: ${SERVICE_NAMES.join(", ")}`);
    }
  }
  return SERVICE_NAMES.filter((n) => names.includes(n));
}

/**
 * The services of loginguard on one platform (one process), in pipeline order: all of them, or
 * those `LOGINGUARD_SERVICES` names. Each parses its own configuration from `env`; they share
 * nothing but the event log and the database, where each keeps its own schema.
 */
export function createAllModules(
  platform: Platform,
  env: Record<string, string | undefined>,
  services: readonly ServiceName[] = SERVICE_NAMES,
): ServiceModule[] {
  const { bus, db } = platform;
  if (!db) throw new Error("these services need a database");
  const secureCookies = env.NODE_ENV === "production";
  // Filled below with the shares of the services in this process (export aggregates them).
  const exportSources: AccountDataHolder[] = [];
  const factories: Record<ServiceName, () => ServiceModule> = {
    ingest: () => createIngestService({ bus, config: loadIngestConfig(env) }),
    "ip-checker": () => createIpCheckerService({ bus, config: loadIpCheckerConfig(env) }),
    logger: () => createLoggerService({ bus, db, config: loadLoggerConfig(env), secureCookies }),
    "account-security": () =>
      createAccountSecurityService({ bus, db, config: loadAccountSecurityConfig(env), exportSources }),
    responder: () => createResponderService({ bus, db, config: loadResponderConfig(env) }),
    portal: () =>
      createPortalService({
        bus,
        db,
        config: loadPortalConfig(env),
        committedOffsets: platform.committedOffsets,
      }),
    relay: () => createRelayService({ bus, config: loadRelayConfig(env) }),
  };
  const modules = services.map((name) => factories[name]());
  for (const m of modules) if (m.privacy) exportSources.push(m.privacy);
  return modules;
}
