import { COUNTRIES, countryOf } from "./countries";
import type { IpPool } from "./ip-pool";
import type { Random } from "./random";

/** A simulated player: where they live, the address they play from, how to reach them. */
export interface Player {
  /** 1-based, as in `player-N@example.test`. */
  n: number;
  accountId: string;
  home: string;
  homeIp: string;
  deviceId: string;
  userAgent: string;
  serverId: string;
  email: string;
  /** Set for some players, so SMS can be a fallback. */
  phone: string | null;
  language: "ko" | "en";
}

/** Game clients as login servers report them. */
const CLIENTS = [
  "GameClient/3.4.1 (Windows 11; x64)",
  "GameClient/3.4.1 (Windows 10; x64)",
  "GameClient/3.4.1 (Android 14; SM-S918N)",
  "GameClient/3.4.0 (iOS 17.5; iPhone15,2)",
  "GameClient/3.4.1 (macOS 14.5; arm64)",
];

/** The game's login server region for a home country. */
export function serverIdOf(country: string): string {
  if (country === "KR") return "kr-1";
  if (country === "JP") return "jp-1";
  if (["US", "CA"].includes(country)) return "na-1";
  if (["DE", "GB", "FR", "ES", "IT"].includes(country)) return "eu-1";
  return "sea-1";
}

/** `pattern` with each `#` replaced by a random digit. */
export function fillDigits(pattern: string, random: Random): string {
  return pattern.replace(/#/g, () => String(random.int(0, 9)));
}

/**
 * `count` players with weighted home countries, each with a home address of their own (from
 * the GeoIP scan), an email `player-N@example.test`, and a phone for every third one.
 */
export function createPlayers(count: number, runId: string, pool: IpPool, random: Random): Player[] {
  const homes = COUNTRIES.filter((c) => c.homeWeight > 0).map((c) => [c.code, c.homeWeight] as const);
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const home = random.weighted(homes);
    const country = countryOf(home);
    return {
      n,
      accountId: `${runId}-player-${n}`,
      home,
      homeIp: pool.take(home),
      deviceId: `dev-${random.hex(16)}`,
      userAgent: random.pick(CLIENTS),
      serverId: serverIdOf(home),
      email: `player-${n}@example.test`,
      phone: n % 3 === 0 ? fillDigits(country.mobile, random) : null,
      language: country.language,
    };
  });
}
