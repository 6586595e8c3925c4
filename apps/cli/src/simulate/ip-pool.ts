import { openGeoIp } from "@loginguard/geoip";
import { silentLogger } from "@loginguard/observability";
import type { Random } from "./random";

/** Public IPv4 addresses per country, as a GeoIP database maps them. */
export type IpsByCountry = ReadonlyMap<string, readonly string[]>;

/**
 * Finds real public addresses for each of `countries` by looking up one address in every /16
 * of the IPv4 unicast space (about 57,000 lookups, a fifth of a second) in the GeoIP database
 * the instance uses: the CC0 database from npm by default, or `path`. The scan is
 * deterministic, so a seed picks the same addresses on every run.
 */
export async function scanPublicIps(countries: readonly string[], path?: string): Promise<IpsByCountry> {
  const geoip = await openGeoIp({ path, cacheSize: 0, watch: false, logger: silentLogger() });
  try {
    const wanted = new Set(countries);
    const found = new Map<string, string[]>();
    for (let a = 1; a < 224; a++) {
      for (let b = 0; b < 256; b++) {
        // An address inside the block rather than its first one, spread by a fixed hash.
        const ip = `${a}.${b}.${(a * 37 + b * 11) % 256}.${((a * 13 + b * 7) % 253) + 2}`;
        const { country, ipClass } = geoip.locate(ip);
        if (ipClass !== "public" || !country || !wanted.has(country)) continue;
        const list = found.get(country);
        if (list) list.push(ip);
        else found.set(country, [ip]);
      }
    }
    const missing = countries.filter((c) => !found.has(c));
    if (missing.length > 0) {
      throw new Error(`the GeoIP database ${geoip.path} maps no scanned address to ${missing.join(", ")}`);
    }
    return found;
  } finally {
    geoip.close();
  }
}

/** Hands out addresses per country: a different one each time while there are any left. */
export class IpPool {
  readonly #free = new Map<string, string[]>();

  constructor(
    private readonly ips: IpsByCountry,
    random: Random,
  ) {
    for (const [country, list] of ips) this.#free.set(country, random.shuffle(list));
  }

  /** An address in `country` not handed out before (or a reused one when all were). */
  take(country: string): string {
    const free = this.#free.get(country);
    const all = this.ips.get(country);
    if (!free || !all || all.length === 0) throw new Error(`no addresses known in ${country}`);
    const ip = free.pop();
    if (ip !== undefined) return ip;
    this.#free.set(country, [...all]);
    return this.take(country);
  }
}
