import { COUNTRIES, countryOf, plausibleTravelMinutes, TRAVEL_DESTINATIONS } from "../countries";
import type { IpPool } from "../ip-pool";
import type { LoginBody } from "../plan";
import { serverIdOf } from "../players";
import type { Random } from "../random";
import type { LabelledLogin, LabelledPlayer, PlayerKind } from "./types";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Home countries weighted like a Korean online game's players: mostly Korea, some Japan,
 * Taiwan, the US, Vietnam, the Philippines, Thailand and China's neighbours (CN itself has no
 * scanned addresses in every database, so its share goes to TW).
 */
export const HOME_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ["KR", 78],
  ["JP", 6],
  ["TW", 5],
  ["US", 4],
  ["VN", 3],
  ["PH", 2],
  ["TH", 2],
];

/** Share of each kind of player. */
export const KIND_WEIGHTS: ReadonlyArray<readonly [PlayerKind, number]> = [
  ["home", 55],
  ["mobile", 15],
  ["cafe", 10],
  ["traveller", 8],
  ["travel_mode", 4],
  ["vpn", 8],
];

const VPN_EXITS = ["US", "JP", "SG", "DE", "GB"];
/** Game clients as login servers report them. */
export const CLIENTS = [
  "GameClient/3.4.1 (Windows 11; x64)",
  "GameClient/3.4.1 (Windows 10; x64)",
  "GameClient/3.4.1 (Android 14; SM-S918N)",
  "GameClient/3.4.0 (iOS 17.5; iPhone15,2)",
];

/** Builds logins; ids are opaque (a counter), so nothing in them tells a label. */
export class LoginFactory {
  #seq = 0;
  constructor(
    private readonly runId: string,
    private readonly random: Random,
  ) {}

  make(
    player: Pick<LabelledPlayer, "accountId" | "serverId" | "deviceId" | "userAgent">,
    at: number,
    ip: string,
    result: "success" | "failure",
    device?: { deviceId: string; userAgent: string },
  ): LoginBody {
    this.#seq++;
    const eventId = `${this.runId}-e${this.#seq.toString(36)}`;
    return {
      eventId,
      accountId: player.accountId,
      occurredAt: new Date(Math.round(at)).toISOString(),
      ip,
      result,
      ...(result === "failure"
        ? { failureReason: "wrong_password" }
        : { sessionId: `s-${this.random.hex(12)}` }),
      gameId: "sim-game",
      serverId: player.serverId,
      deviceId: device?.deviceId ?? player.deviceId,
      userAgent: device?.userAgent ?? player.userAgent,
    };
  }
}

/** The players of a run: kinds and home countries by weight, one home address each. */
export function createLabelledPlayers(
  count: number,
  runId: string,
  pool: IpPool,
  random: Random,
): LabelledPlayer[] {
  const known = new Set(COUNTRIES.map((c) => c.code));
  const homes = HOME_WEIGHTS.filter(([c]) => known.has(c));
  return Array.from({ length: count }, (_, i) => {
    const home = random.weighted(homes);
    const kind = random.weighted(KIND_WEIGHTS);
    const exits = VPN_EXITS.filter((c) => c !== home);
    return {
      accountId: `${runId}-p${i + 1}`,
      kind,
      home,
      homeIp: pool.take(home),
      deviceId: `dev-${random.hex(16)}`,
      userAgent: random.pick(CLIENTS),
      serverId: serverIdOf(home),
      email: `p${i + 1}@example.test`,
      language: countryOf(home).language,
      vpnCountry: kind === "vpn" ? random.pick(exits) : null,
    };
  });
}

/** What the legitimate traffic generator needs. */
export interface LegitContext {
  from: number;
  to: number;
  pool: IpPool;
  random: Random;
  logins: LoginFactory;
  /** Shared internet-café addresses per country. */
  cafes: ReadonlyMap<string, readonly string[]>;
  /** Shared VPN exit addresses per country. */
  vpnExits: ReadonlyMap<string, readonly string[]>;
}

/**
 * The legitimate logins of one player over the timeline, by kind: at home on one address that
 * changes now and then; mobile and commuting players on a new address in their country many
 * times a day; internet cafés (shared addresses, the odd mistyped password); travellers by plane
 * with real flight times; travellers who turn travel mode on first; VPN users who play whole
 * days through one exit country.
 */
export function legitLogins(player: LabelledPlayer, ctx: LegitContext): LabelledLogin[] {
  const { random } = ctx;
  const out: LabelledLogin[] = [];
  const days = Math.floor((ctx.to - ctx.from) / DAY);
  let ip = player.homeIp;
  const add = (at: number, where: string, result: "success" | "failure" = "success", travelMode?: string) => {
    if (at < ctx.from || at > ctx.to) return;
    out.push({
      at,
      login: ctx.logins.make(player, at, where, result),
      label: "legit",
      scenario: player.kind,
      ...(travelMode ? { travelMode } : {}),
    });
  };
  const session = (at: number, where: string, typoChance: number) => {
    if (random.chance(typoChance)) add(at - random.between(10_000, 60_000), where, "failure");
    add(at, where);
  };
  const trip = planTrip(player, ctx, days);
  for (let d = 0; d < days; d++) {
    const dayStart = ctx.from + d * DAY;
    if (trip && dayStart + DAY > trip.leave && dayStart < trip.back) continue;
    switch (player.kind) {
      case "mobile": {
        const n = random.int(1, 3);
        for (let i = 0; i < n; i++)
          session(dayStart + random.between(7, 23) * HOUR, ctx.pool.take(player.home), 0.02);
        break;
      }
      case "cafe": {
        const cafes = ctx.cafes.get(player.home) ?? [player.homeIp];
        if (random.chance(0.45))
          session(dayStart + random.between(14, 23.5) * HOUR, random.pick(cafes), 0.08);
        else if (random.chance(0.2)) session(dayStart + random.between(8, 23) * HOUR, player.homeIp, 0.02);
        break;
      }
      case "vpn": {
        const viaVpn = random.chance(0.3);
        const exits = ctx.vpnExits.get(player.vpnCountry ?? "") ?? [];
        const where = viaVpn && exits.length > 0 ? random.pick(exits) : ip;
        if (random.chance(0.5)) session(dayStart + random.between(9, 23) * HOUR, where, 0.02);
        break;
      }
      default: {
        if (random.chance(0.05)) ip = ctx.pool.take(player.home); // the ISP changed the address
        if (random.chance(0.4)) session(dayStart + random.between(8, 23.5) * HOUR, ip, 0.02);
        if (random.chance(0.08)) session(dayStart + random.between(8, 23.5) * HOUR, ip, 0.02);
      }
    }
  }
  if (trip) {
    // The last login at home, the flight, logins abroad every day, the flight back.
    add(trip.leave, ip);
    const arrive =
      trip.leave + (plausibleTravelMinutes(player.home, trip.country) + random.int(30, 180)) * MINUTE;
    const abroad = (at: number, first: boolean) =>
      add(
        at,
        ctx.pool.take(trip.country),
        "success",
        first && player.kind === "travel_mode" ? trip.country : undefined,
      );
    abroad(arrive, true);
    for (
      let at = arrive + random.between(3, 20) * HOUR;
      at < trip.back - 4 * HOUR;
      at += random.between(10, 30) * HOUR
    ) {
      abroad(at, false);
    }
    const home =
      trip.back + (plausibleTravelMinutes(trip.country, player.home) + random.int(30, 240)) * MINUTE;
    add(home, ip);
  }
  return out;
}

/** Travellers leave once; travel-mode players' trips are in the last days (the allowance is set live). */
function planTrip(player: LabelledPlayer, ctx: LegitContext, days: number) {
  const { random } = ctx;
  if (player.kind !== "traveller" && player.kind !== "travel_mode") return null;
  const country = random.pick(TRAVEL_DESTINATIONS.filter((c) => c !== player.home));
  const length = random.between(2, 6) * DAY;
  const leave =
    player.kind === "travel_mode"
      ? ctx.to - random.between(2, 3.5) * DAY
      : ctx.from + random.between(1, Math.max(1.5, days - 7)) * DAY;
  return { country, leave, back: Math.min(leave + length, ctx.to - 6 * HOUR) };
}
