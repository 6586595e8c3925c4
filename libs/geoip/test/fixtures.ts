import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * MaxMind's test databases (MIT / Apache-2.0, see `maxmind/LICENSE-MIT`), kept in the repository
 * beside this file so that a clone alone can test the GeoIP2/GeoLite2 schema.
 */
export const GEOIP_TEST_DIR = fileURLToPath(new URL("./maxmind/", import.meta.url));

/** Absolute path of one of MaxMind's test databases. */
export function testDb(
  name: "GeoIP2-Country-Test" | "GeoIP2-City-Test" | "GeoLite2-Country-Test" | "GeoLite2-ASN-Test",
): string {
  const path = join(GEOIP_TEST_DIR, `${name}.mmdb`);
  if (!existsSync(path)) {
    throw new Error(`MaxMind test database missing: ${path} (expected in libs/geoip/test/maxmind)`);
  }
  return path;
}
