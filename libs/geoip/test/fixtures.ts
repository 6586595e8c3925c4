import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the nearest directory above this file that has turbo.json. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "turbo.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no turbo.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/**
 * MaxMind's test databases (MIT / Apache-2.0), kept beside the repository in
 * `../shared/geoip-test` (CI clones the repository with `shared/` next to it). Missing: the
 * test run fails with this path in the message, since the GeoIP2 schema cannot be tested
 * without them.
 */
export const GEOIP_TEST_DIR = resolve(repoRoot(), "../shared/geoip-test");

/** Absolute path of one of MaxMind's test databases. */
export function testDb(
  name: "GeoIP2-Country-Test" | "GeoIP2-City-Test" | "GeoLite2-Country-Test" | "GeoLite2-ASN-Test",
): string {
  const path = join(GEOIP_TEST_DIR, `${name}.mmdb`);
  if (!existsSync(path)) {
    throw new Error(
      `MaxMind test database missing: ${path} (expected ../shared/geoip-test beside the repository)`,
    );
  }
  return path;
}
