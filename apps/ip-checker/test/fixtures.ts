import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { LoginAttempted } from "@loginguard/events";

/** The repository's root, from this file's place in it. */
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** MaxMind's MIT-licensed test databases, kept in the repository (libs/geoip/test/maxmind). */
export const GEOIP_TEST_DIR = `${REPO_ROOT}libs/geoip/test/maxmind`;
export const GEOIP2_COUNTRY_TEST = `${GEOIP_TEST_DIR}/GeoIP2-Country-Test.mmdb`;
export const GEOLITE2_COUNTRY_TEST = `${GEOIP_TEST_DIR}/GeoLite2-Country-Test.mmdb`;
export const GEOIP2_CITY_TEST = `${GEOIP_TEST_DIR}/GeoIP2-City-Test.mmdb`;

/** Whether MaxMind's test databases are there; under CI=true they must be. */
export function maxmindTestDatabases(): { skip: boolean } {
  if (existsSync(GEOIP2_COUNTRY_TEST)) return { skip: false };
  const reason = `MaxMind test databases not found in ${GEOIP_TEST_DIR}`;
  if (process.env.CI === "true") throw new Error(reason);
  console.warn(`[skip] ${reason}`);
  return { skip: true };
}

export function attempted(overrides: Partial<LoginAttempted> = {}): LoginAttempted {
  return {
    eventId: "e-1",
    accountId: "acc-1",
    occurredAt: "2026-05-01T12:00:00.000Z",
    ip: "81.2.69.160",
    result: "success",
    sessionId: "s-1",
    receivedAt: "2026-05-01T12:00:00.100Z",
    source: "eu-login",
    ...overrides,
  };
}
