/**
 * Two-letter codes that GeoIP databases answer but that name no country: `ZZ` and `XX`
 * (unknown), `EU` and `AP` (a continent-wide block: Europe, Asia-Pacific), `A1` (anonymous
 * proxy), `A2` (satellite provider), `O1` (other) and `T1` (Tor). docs/ARCHITECTURE.md section 7:
 * none of them ever counts as a country.
 */
export const PSEUDO_COUNTRY_CODES: ReadonlySet<string> = new Set([
  "ZZ",
  "XX",
  "EU",
  "AP",
  "A1",
  "A2",
  "O1",
  "T1",
]);

/** True for an uppercase ISO 3166-1 alpha-2 code that names a country (no pseudo-code). */
export function isCountryCode(code: string | null | undefined): code is string {
  return typeof code === "string" && /^[A-Z]{2}$/.test(code) && !PSEUDO_COUNTRY_CODES.has(code);
}
