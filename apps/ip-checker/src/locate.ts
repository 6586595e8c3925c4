import type { Location, LoginAttempted, LoginLocated } from "@loginguard/events";
import type { GeoIpReader } from "@loginguard/geoip";

/**
 * The `login.located` data of a login: the login as reported plus where it came from.
 *
 * - Private and reserved addresses get country null and their block in `ipRange`.
 * - Text that is not an address (possible when someone writes to `login.attempted` directly,
 *   ingest itself refuses it) gets ipClass `invalid` and country null. The login is still
 *   passed on, not dead-lettered: the player's history must show it.
 * - `geoipDatabase` names the database that answered a public address; it is null when no
 *   lookup was made (private, reserved, invalid), since then no database was involved.
 */
export function locateLogin(geoip: GeoIpReader, login: LoginAttempted): LoginLocated {
  const found = geoip.locate(login.ip);
  const location: Location = {
    country: found.country,
    ipClass: found.ipClass,
    ipRange: found.ipRange,
    normalizedIp: found.normalizedIp,
    geoipDatabase:
      found.ipClass === "public"
        ? { type: geoip.database.type, buildEpoch: geoip.database.buildEpoch }
        : null,
  };
  return { ...login, location };
}
