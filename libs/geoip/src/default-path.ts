import { createRequire } from "node:module";

/** The npm package that ships the default, CC0-licensed database. */
export const DEFAULT_GEOIP_PACKAGE = "@ip-location-db/geo-whois-asn-country-mmdb";

/** Its IPv4 + IPv6 file (the package also has IPv4-only and IPv6-only files). */
const DEFAULT_GEOIP_FILE = "geo-whois-asn-country.mmdb";

/**
 * Absolute path of the default database: `geo-whois-asn-country.mmdb` from the CC0
 * `@ip-location-db/geo-whois-asn-country-mmdb` package, as installed next to this library.
 * Throws when the package is not installed.
 */
export function defaultGeoIpDatabasePath(): string {
  return createRequire(import.meta.url).resolve(`${DEFAULT_GEOIP_PACKAGE}/${DEFAULT_GEOIP_FILE}`);
}
