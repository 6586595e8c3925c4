import { ATTACKER_ORIGINS, COUNTRIES } from "../countries";
import { IpPool, type IpsByCountry } from "../ip-pool";
import { createRandom } from "../random";
import { planAttacks } from "./attacks";
import { createLabelledPlayers, LoginFactory, legitLogins } from "./population";
import type { LabelledLogin, LabelledPlan } from "./types";

const DAY = 86_400_000;

export interface LabelledPlanOptions {
  runId: string;
  seed: string;
  players: number;
  weeks: number;
  /** Share of players attacked, 0..1. */
  attackShare: number;
  /** The end of the simulated timeline: the present (the run's start). */
  now: number;
  ips: IpsByCountry;
}

/** Every country the labelled plan needs addresses in. */
export function labelledCountries(): string[] {
  return [...new Set([...COUNTRIES.map((c) => c.code), ...ATTACKER_ORIGINS])];
}

/**
 * The labelled plan: players, their weeks of legitimate logins, and the attacks, all from the
 * seed (the same seed and options give the same plan, ids included). The timeline ends at
 * `now`, so the attacks of its last hours are live when they are sent.
 */
export function buildLabelledPlan(o: LabelledPlanOptions): LabelledPlan {
  const random = createRandom(`labelled:${o.seed}`);
  const pool = new IpPool(o.ips, random);
  const to = Math.floor(o.now / 1000) * 1000;
  const from = to - Math.round(o.weeks * 7 * DAY);
  const logins = new LoginFactory(o.runId, random);
  const players = createLabelledPlayers(o.players, o.runId, pool, random);
  const shared = (perCountry: number) =>
    new Map(
      COUNTRIES.map((c) => [c.code, Array.from({ length: perCountry }, () => pool.take(c.code))] as const),
    );
  const cafes = shared(40);
  const vpnExits = shared(5);
  const all: LabelledLogin[] = [];
  for (const p of players) all.push(...legitLogins(p, { from, to, pool, random, logins, cafes, vpnExits }));
  const { attacks, logins: attackLogins } = planAttacks(Math.round(o.players * o.attackShare), {
    to,
    pool,
    random,
    logins,
    players,
    vpnExits,
  });
  // After the attacker is in, the real player's own later logins would mix two stories: left out.
  const attackedAt = new Map(attacks.map((a) => [a.accountId, a.at]));
  const kept = all.filter((l) => l.at < (attackedAt.get(l.login.accountId) ?? Number.POSITIVE_INFINITY));
  const ordered = [...kept, ...attackLogins].sort(
    (a, b) => a.at - b.at || (a.login.eventId < b.login.eventId ? -1 : 1),
  );
  return { runId: o.runId, seed: o.seed, from, to, weeks: o.weeks, players, logins: ordered, attacks };
}
