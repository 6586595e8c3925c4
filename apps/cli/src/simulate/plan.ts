import { ATTACKER_ORIGINS, distanceKm, plausibleTravelMinutes, TRAVEL_DESTINATIONS } from "./countries";
import { IpPool, type IpsByCountry } from "./ip-pool";
import { createPlayers, type Player } from "./players";
import { createRandom, type Random } from "./random";

export const SCENARIOS = ["home", "travel", "takeover", "failure_burst", "credential_stuffing"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Share of the logins each scenario gets; `home` takes what the others leave. */
export type ScenarioMix = Record<Exclude<ScenarioName, "home">, number>;

/** The default mix: mostly players at home, a few travellers, and a few attacks of each kind. */
export const DEFAULT_MIX: ScenarioMix = {
  travel: 0.05,
  takeover: 0.02,
  failure_burst: 0.06,
  credential_stuffing: 0.06,
};

/** Failed logins in one failure burst on one account (docs/ARCHITECTURE.md: 30 failures, notify). */
export const BURST_FAILURES = 30;
/** Accounts one credential-stuffing address fails on before it gets one in. */
export const STUFFED_ACCOUNTS = 50;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** How far back the simulated timeline starts (`occurredAt` of the first logins). */
export const TIMELINE_HOURS = 72;
const FIRST_LOGINS_HOURS = 12;

/** A login as the game's login server sends it to `POST /v1/logins`. */
export interface LoginBody {
  eventId: string;
  accountId: string;
  occurredAt: string;
  ip: string;
  result: "success" | "failure";
  failureReason?: string;
  gameId: string;
  serverId: string;
  sessionId?: string;
  deviceId: string;
  userAgent: string;
}

export interface PlannedLogin {
  scenario: ScenarioName;
  login: LoginBody;
  /**
   * Send only once the instance flags this address (or after a bounded wait): a success right
   * after a stuffing run depends on failures of other accounts, which other partitions carry.
   */
  awaitFlaggedIp?: string;
}

/** What one scenario instance should lead to, checked over HTTP at the end. */
export interface ScenarioCase {
  scenario: Exclude<ScenarioName, "home">;
  accountId: string;
  /** In words, e.g. "KR -> BR after 14 min". */
  detail: string;
  /** The decision expected (reason codes, any of them), for the summary. */
  expectedReasons: string[];
  locked: boolean;
  /** The session a `player.kick` webhook should name. */
  kickSession?: string;
}

export interface FlaggedIpCase {
  ip: string;
  country: string;
  accounts: number;
}

export interface Plan {
  runId: string;
  players: Player[];
  /** In send order: `occurredAt` order. */
  logins: PlannedLogin[];
  cases: ScenarioCase[];
  flaggedIps: FlaggedIpCase[];
  /** Scenario instances and logins per scenario. */
  counts: Record<ScenarioName, { instances: number; logins: number }>;
}

export interface PlanOptions {
  runId: string;
  players: number;
  logins: number;
  seed: string;
  /** End of the timeline (epoch ms); the logins happen in the 72 hours before. */
  now: number;
  mix?: ScenarioMix;
  ips: IpsByCountry;
  gameId?: string;
}

/** Per instance: how many logins, and whether it needs a player of its own. */
const COST: Record<Exclude<ScenarioName, "home">, number> = {
  travel: 3,
  takeover: 2,
  failure_burst: BURST_FAILURES,
  credential_stuffing: STUFFED_ACCOUNTS + 1,
};

/**
 * The whole traffic of a run, decided up front from the seed: each player's first login from
 * home early in the timeline, then travel, takeovers, failure bursts and credential stuffing as
 * `mix` shares of `logins` (each at least once when the budget allows), and home logins with the
 * rest. Each account's logins are in time order and never contradict themselves (a traveller
 * does not log in from home an hour after landing abroad).
 */
export function buildPlan(options: PlanOptions): Plan {
  const random = createRandom(options.seed);
  const pool = new IpPool(options.ips, random);
  const mix = options.mix ?? DEFAULT_MIX;
  const playerCount = Math.max(1, Math.min(options.players, Math.floor(options.logins / 2)));
  const players = createPlayers(playerCount, options.runId, pool, random);
  const b = new PlanBuilder(options, random, pool);
  const start = options.now - TIMELINE_HOURS * HOUR;
  const end = options.now - 2 * MINUTE;

  const first = new Map<string, number>();
  for (const p of players) {
    const t = start + random.next() * FIRST_LOGINS_HOURS * HOUR;
    first.set(p.accountId, t);
    b.add("home", p, t, { ip: p.homeIp, result: "success" });
  }

  const counts = instanceCounts(options.logins - players.length, players.length, mix);
  const free = random.shuffle(players);
  /** Latest time a player may still log in from home (undefined: any time). */
  const homeUntil = new Map<string, number>();
  const takePlayer = (accept: (p: Player) => boolean = () => true): Player | undefined => {
    const i = free.findIndex(accept);
    return i < 0 ? undefined : free.splice(i, 1)[0];
  };

  // Victims first, then the stuffing runs, which fail on players with no part in anything else.
  const stuffingVictims: Array<{ victim: Player; origin: string }> = [];
  for (let i = 0; i < counts.credential_stuffing; i++) {
    const origin = random.pick(ATTACKER_ORIGINS);
    const victim = takePlayer((p) => p.home !== origin);
    if (victim) stuffingVictims.push({ victim, origin });
  }
  for (let i = 0; i < counts.takeover; i++) {
    const victim = takePlayer();
    if (!victim) break;
    const at = between(random, first.get(victim.accountId)! + 2 * HOUR, end - HOUR);
    homeUntil.set(victim.accountId, at - 10 * MINUTE);
    b.takeover(victim, at);
  }
  for (let i = 0; i < counts.failure_burst; i++) {
    const victim = takePlayer();
    if (!victim) break;
    b.failureBurst(victim, between(random, first.get(victim.accountId)! + HOUR, end - HOUR));
  }
  for (let i = 0; i < counts.travel; i++) {
    const traveller = takePlayer();
    if (!traveller) break;
    const destination = random.pick(TRAVEL_DESTINATIONS.filter((c) => c !== traveller.home));
    const latest = end - (plausibleTravelMinutes(traveller.home, destination) + 4 * 60) * MINUTE;
    const at = between(random, first.get(traveller.accountId)! + 2 * HOUR, latest);
    homeUntil.set(traveller.accountId, at - 10 * MINUTE);
    b.travel(traveller, destination, at, end);
  }

  for (const { victim, origin } of stuffingVictims) {
    // After every player's first login, so the stuffed accounts are known accounts by then.
    const earliest = Math.max(first.get(victim.accountId)! + 2 * HOUR, start + FIRST_LOGINS_HOURS * HOUR);
    const at = between(random, earliest, end - 3 * HOUR);
    homeUntil.set(victim.accountId, at - 10 * MINUTE);
    b.credentialStuffing(victim, origin, at, free);
  }

  // Home logins with whatever budget is left; a few after a mistyped password.
  let guard = 0;
  while (b.size < options.logins && guard++ < options.logins * 20) {
    const p = random.pick(players);
    const from = first.get(p.accountId)! + 10 * MINUTE;
    const until = homeUntil.get(p.accountId) ?? end;
    if (until <= from) continue;
    const t = between(random, from, until);
    if (options.logins - b.size >= 2 && random.chance(0.04)) {
      b.add("home", p, t - random.int(10, 60) * 1000, {
        ip: p.homeIp,
        result: "failure",
        failureReason: "bad_password",
      });
    }
    b.add("home", p, t, { ip: p.homeIp, result: "success" });
  }
  return b.finish(players);
}

function between(random: Random, from: number, to: number): number {
  return to <= from ? from : random.between(from, to);
}

/** Most players a run turns into travellers or victims; the rest just play from home. */
export const MAX_SPECIAL_SHARE = 0.4;

/**
 * Instances per scenario from the mix, each at least once when its logins fit in the budget.
 * Every instance needs a player of its own, and at most 40% of the players get one, so a run
 * with many logins per player scales the scenarios down alike rather than dropping one.
 */
export function instanceCounts(
  budget: number,
  players: number,
  mix: ScenarioMix,
): Record<Exclude<ScenarioName, "home">, number> {
  const total = budget + players;
  const names = (Object.keys(COST) as Array<Exclude<ScenarioName, "home">>).filter((n) => mix[n] > 0);
  const wanted = new Map(names.map((n) => [n, Math.max(1, Math.round((total * mix[n]) / COST[n]))]));
  const cap = Math.max(1, Math.floor(players * MAX_SPECIAL_SHARE));
  const sum = [...wanted.values()].reduce((a, b) => a + b, 0);
  if (sum > cap) for (const [n, w] of wanted) wanted.set(n, Math.max(1, Math.floor((w * cap) / sum)));
  const counts = { travel: 0, takeover: 0, failure_burst: 0, credential_stuffing: 0 };
  let left = budget;
  let playersLeft = players;
  // Expensive ones first, so one stuffing run is not crowded out by many cheap travels.
  for (const name of [...names].sort((a, c) => COST[c] - COST[a])) {
    const fit = Math.min(wanted.get(name)!, Math.floor(left / COST[name]), playersLeft);
    counts[name] = fit;
    left -= fit * COST[name];
    playersLeft -= fit;
  }
  return counts;
}

/** Collects the logins and cases of a plan. */
class PlanBuilder {
  readonly #logins: Array<PlannedLogin & { t: number; n: number }> = [];
  readonly #cases: ScenarioCase[] = [];
  readonly #flagged: FlaggedIpCase[] = [];
  #seq = 0;

  constructor(
    private readonly options: PlanOptions,
    private readonly random: Random,
    private readonly pool: IpPool,
  ) {}

  get size(): number {
    return this.#logins.length;
  }

  add(
    scenario: ScenarioName,
    player: Player,
    t: number,
    fields: Pick<LoginBody, "ip" | "result"> & Partial<LoginBody>,
    awaitFlaggedIp?: string,
  ): LoginBody {
    const n = ++this.#seq;
    const login: LoginBody = {
      eventId: `${this.options.runId}-${n}`,
      accountId: player.accountId,
      occurredAt: new Date(Math.round(t)).toISOString(),
      gameId: this.options.gameId ?? "loginguard-sim",
      serverId: player.serverId,
      deviceId: player.deviceId,
      userAgent: player.userAgent,
      ...(fields.result === "success" ? { sessionId: `s-${this.random.hex(16)}` } : {}),
      ...fields,
    };
    this.#logins.push({ scenario, login, t, n, ...(awaitFlaggedIp ? { awaitFlaggedIp } : {}) });
    return login;
  }

  /** A login from home, then the same password from far away minutes later: impossible travel. */
  takeover(victim: Player, at: number): void {
    const origin = this.random.pick(ATTACKER_ORIGINS.filter((c) => distanceKm(victim.home, c) >= 2000));
    const minutes = this.random.int(3, 30);
    this.add("takeover", victim, at, { ip: victim.homeIp, result: "success" });
    const attack = this.add("takeover", victim, at + minutes * MINUTE, {
      ip: this.pool.take(origin),
      result: "success",
      deviceId: `dev-${this.random.hex(16)}`,
      userAgent: "GameClient/3.4.1 (Windows 10; x64)",
    });
    this.#cases.push({
      scenario: "takeover",
      accountId: victim.accountId,
      detail: `${victim.home} -> ${origin} after ${minutes} min`,
      expectedReasons: ["impossible_travel"],
      locked: true,
      kickSession: attack.sessionId,
    });
  }

  /** 30 wrong passwords on one account from one address within minutes: notify, never lock. */
  failureBurst(victim: Player, at: number): void {
    const origin = this.random.pick(ATTACKER_ORIGINS);
    const ip = this.pool.take(origin);
    let t = at;
    for (let i = 0; i < BURST_FAILURES; i++) {
      this.add("failure_burst", victim, t, { ip, result: "failure", failureReason: "bad_password" });
      t += this.random.int(2, 12) * 1000;
    }
    this.#cases.push({
      scenario: "failure_burst",
      accountId: victim.accountId,
      detail: `${BURST_FAILURES} failures from ${origin} in ${Math.round((t - at) / MINUTE)} min`,
      expectedReasons: ["failure_burst"],
      locked: false,
    });
  }

  /**
   * One address fails on 50 accounts within minutes (`bystanders`, then names that do not exist
   * when there are too few of them, as in a real list of leaked credentials), then gets into
   * `victim`'s account.
   */
  credentialStuffing(victim: Player, origin: string, at: number, bystanders: readonly Player[]): void {
    const ip = this.pool.take(origin);
    const others = this.random
      .shuffle(bystanders.filter((p) => p !== victim))
      .slice(0, STUFFED_ACCOUNTS - 1) as Player[];
    for (let i = others.length; i < STUFFED_ACCOUNTS - 1; i++) {
      others.push({ ...victim, n: 0, accountId: `${this.options.runId}-unknown-${i}` });
    }
    const targets = this.random.shuffle([...others, victim]);
    const userAgent = "GameClient/3.3.0 (Windows 10; x64)";
    const deviceId = `dev-${this.random.hex(16)}`;
    let t = at;
    for (const target of targets) {
      this.add("credential_stuffing", target, t, {
        ip,
        result: "failure",
        failureReason: "bad_password",
        deviceId,
        userAgent,
      });
      t += this.random.int(3, 9) * 1000;
    }
    const success = this.add(
      "credential_stuffing",
      victim,
      t + this.random.int(60, 180) * 1000,
      { ip, result: "success", deviceId, userAgent },
      ip,
    );
    this.#flagged.push({ ip, country: origin, accounts: targets.length });
    this.#cases.push({
      scenario: "credential_stuffing",
      accountId: victim.accountId,
      detail: `${origin} address: ${targets.length} failures, then in`,
      expectedReasons: ["takeover_suspected", "impossible_travel"],
      locked: true,
      kickSession: success.sessionId,
    });
  }

  /** Home, then a flight later a login abroad (and maybe more there): new country, notify. */
  travel(traveller: Player, destination: string, at: number, end: number): void {
    this.add("travel", traveller, at, { ip: traveller.homeIp, result: "success" });
    const flight = plausibleTravelMinutes(traveller.home, destination) + this.random.int(0, 240);
    const ip = this.pool.take(destination);
    let t = at + flight * MINUTE;
    this.add("travel", traveller, t, { ip, result: "success" });
    t += this.random.int(60, 600) * MINUTE;
    if (t < end && this.random.chance(0.6)) this.add("travel", traveller, t, { ip, result: "success" });
    this.#cases.push({
      scenario: "travel",
      accountId: traveller.accountId,
      detail: `${traveller.home} -> ${destination} after ${Math.round(flight / 6) / 10} h`,
      expectedReasons: ["new_country"],
      locked: false,
    });
  }

  finish(players: Player[]): Plan {
    const sorted = [...this.#logins].sort((a, c) => a.t - c.t || a.n - c.n);
    const counts = Object.fromEntries(
      SCENARIOS.map((s) => [s, { instances: 0, logins: 0 }]),
    ) as Plan["counts"];
    for (const l of sorted) counts[l.scenario].logins++;
    for (const c of this.#cases) counts[c.scenario].instances++;
    const special = new Set(this.#cases.map((c) => c.accountId));
    counts.home.instances = players.filter((p) => !special.has(p.accountId)).length;
    return {
      runId: this.options.runId,
      players,
      logins: sorted.map(({ scenario, login, awaitFlaggedIp }) => ({
        scenario,
        login,
        ...(awaitFlaggedIp ? { awaitFlaggedIp } : {}),
      })),
      cases: this.#cases,
      flaggedIps: this.#flagged,
      counts,
    };
  }
}
