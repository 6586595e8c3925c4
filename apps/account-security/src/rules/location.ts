import { isCountryCode, type LoginRecorded } from "@loginguard/events";

/**
 * The login's country when it can count for country rules: a public IP that GeoIP located in a
 * real country. Private, reserved, invalid and unlocated addresses, and pseudo-codes (`EU`, `AP`
 * ...) from whatever produced the event, answer null and never make a country "new".
 */
export function countryOf(login: LoginRecorded): string | null {
  const country = login.location.country;
  return login.location.ipClass === "public" && isCountryCode(country) ? country : null;
}

/** The IP as ip-checker normalised it (IPv4-mapped IPv6 as IPv4), else as reported. */
export function ipOf(login: LoginRecorded): string {
  return login.location.normalizedIp ?? login.ip;
}

/** Minutes between two instants, never negative (events can arrive out of order). */
export function minutesBetween(a: Date | string, b: Date | string): number {
  return Math.abs(new Date(b).getTime() - new Date(a).getTime()) / 60_000;
}
