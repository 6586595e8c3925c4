import { isCountryCode } from "@loginguard/events";

/**
 * Reads the country out of a database record, whatever the schema:
 *
 * - GeoIP2 / GeoLite2 Country, City, Enterprise: `country.iso_code` (where the address is
 *   used). `registered_country` alone (MaxMind leaves `country` out for some anycast and
 *   satellite blocks) says where the block is registered, not where the player is: unknown.
 * - ip-location-db (sapics) country and city databases: `country_code`.
 *
 * Returns an uppercase ISO 3166-1 alpha-2 code, or null. Pseudo-codes (`ZZ`, `EU`, `AP`, `A1`,
 * `A2`, `O1` ...: see `PSEUDO_COUNTRY_CODES`) and anything that is not two letters count as null
 * (docs/ARCHITECTURE.md section 7).
 */
export function countryFromRecord(record: unknown): string | null {
  if (!isObject(record)) return null;
  return isoCode(field(record, "country_code")) ?? isoCode(field(field(record, "country"), "iso_code"));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

function isoCode(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const code = value.toUpperCase();
  return isCountryCode(code) ? code : null;
}
