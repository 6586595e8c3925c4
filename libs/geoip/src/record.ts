/**
 * Reads the country out of a database record, whatever the schema:
 *
 * - GeoIP2 / GeoLite2 Country, City, Enterprise: `country.iso_code` (where the address is
 *   used), falling back to `registered_country.iso_code` (where its block is registered)
 *   when the former is absent, as MaxMind leaves it for some anycast and satellite blocks.
 * - ip-location-db (sapics) country and city databases: `country_code`.
 *
 * Returns an uppercase ISO 3166-1 alpha-2 code, or null. `ZZ` ("unknown" by convention) and
 * anything that is not two letters count as null.
 */
export function countryFromRecord(record: unknown): string | null {
  if (!isObject(record)) return null;
  return (
    isoCode(field(record, "country_code")) ??
    isoCode(field(field(record, "country"), "iso_code")) ??
    isoCode(field(field(record, "registered_country"), "iso_code"))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

const ALPHA2 = /^[A-Za-z]{2}$/;

function isoCode(value: unknown): string | null {
  if (typeof value !== "string" || !ALPHA2.test(value)) return null;
  const code = value.toUpperCase();
  return code === "ZZ" ? null : code;
}
