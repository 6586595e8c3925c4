import { beforeAll, describe, expect, it } from "vitest";
import { ATTACKER_ORIGINS, COUNTRIES, distanceKm } from "./countries";
import { type IpsByCountry, scanPublicIps } from "./ip-pool";
import {
  BURST_FAILURES,
  buildPlan,
  DEFAULT_MIX,
  instanceCounts,
  type LoginBody,
  type Plan,
  STUFFED_ACCOUNTS,
  TIMELINE_HOURS,
} from "./plan";

const NOW = Date.parse("2026-06-01T12:00:00Z");
let ips: IpsByCountry;
let plan: Plan;
/** The country of an address, from the same scan. */
let countryOfIp: Map<string, string>;

beforeAll(async () => {
  ips = await scanPublicIps([...new Set([...COUNTRIES.map((c) => c.code), ...ATTACKER_ORIGINS])]);
  countryOfIp = new Map([...ips].flatMap(([country, list]) => list.map((ip) => [ip, country] as const)));
  plan = buildPlan({ runId: "sim-t", players: 120, logins: 1500, seed: "s1", now: NOW, ips });
});

const loginsOf = (accountId: string) => plan.logins.filter((l) => l.login.accountId === accountId);
const hours = (a: LoginBody, b: LoginBody) =>
  (Date.parse(b.occurredAt) - Date.parse(a.occurredAt)) / 3_600_000;

describe("a simulation plan", () => {
  it("is the same for the same seed and different for another", () => {
    const again = buildPlan({ runId: "sim-t", players: 120, logins: 1500, seed: "s1", now: NOW, ips });
    expect(again).toEqual(plan);
    const other = buildPlan({ runId: "sim-t", players: 120, logins: 1500, seed: "s2", now: NOW, ips });
    expect(other.logins.map((l) => l.login.ip)).not.toEqual(plan.logins.map((l) => l.login.ip));
  });

  it("has exactly the logins asked for, unique ids, in time order within the timeline", () => {
    expect(plan.logins).toHaveLength(1500);
    expect(plan.players).toHaveLength(120);
    expect(new Set(plan.logins.map((l) => l.login.eventId)).size).toBe(1500);
    const times = plan.logins.map((l) => Date.parse(l.login.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW - TIMELINE_HOURS * 3_600_000);
    expect(Math.max(...times)).toBeLessThan(NOW);
    const sum = Object.values(plan.counts).reduce((n, c) => n + c.logins, 0);
    expect(sum).toBe(1500);
    for (const { login } of plan.logins) {
      expect(login.accountId.startsWith("sim-t-")).toBe(true);
      expect(login.sessionId !== undefined).toBe(login.result === "success");
      expect(countryOfIp.has(login.ip), login.ip).toBe(true);
    }
  });

  it("starts every player at home and registers an email for each, a phone for some", () => {
    for (const p of plan.players) {
      const [first] = loginsOf(p.accountId);
      expect(first?.login.ip).toBe(p.homeIp);
      expect(countryOfIp.get(p.homeIp)).toBe(p.home);
      expect(p.email).toBe(`player-${p.n}@example.test`);
    }
    expect(plan.players.filter((p) => p.phone).length).toBe(40);
    for (const p of plan.players.filter((p) => p.phone)) expect(p.phone).toMatch(/^\+[1-9]\d{6,14}$/);
    expect(plan.players.filter((p) => p.home === "KR").length).toBeGreaterThan(30);
  });

  it("has every scenario, and home logins for most of the traffic", () => {
    for (const [name, count] of Object.entries(plan.counts)) expect(count.instances, name).toBeGreaterThan(0);
    expect(plan.counts.home.logins).toBeGreaterThan(1000);
  });

  it("takes over accounts from far away minutes after the player logged in: faster than 1000 km/h", () => {
    const takeovers = plan.cases.filter((c) => c.scenario === "takeover");
    expect(takeovers.length).toBeGreaterThan(0);
    for (const c of takeovers) {
      const logins = loginsOf(c.accountId);
      expect(logins.at(-1)?.scenario).toBe("takeover");
      const [home, attack] = logins.filter((l) => l.scenario === "takeover").map((l) => l.login);
      const player = plan.players.find((p) => p.accountId === c.accountId)!;
      expect(home!.ip).toBe(player.homeIp);
      const origin = countryOfIp.get(attack!.ip)!;
      expect(origin).not.toBe(player.home);
      const minutes = hours(home!, attack!) * 60;
      expect(minutes).toBeGreaterThanOrEqual(3);
      expect(minutes).toBeLessThanOrEqual(30);
      expect(distanceKm(player.home, origin) / hours(home!, attack!)).toBeGreaterThan(4000);
      expect(c).toMatchObject({ locked: true, kickSession: attack!.sessionId });
    }
  });

  it("lets travellers arrive a plausible flight later, and never log in from home after leaving", () => {
    const trips = plan.cases.filter((c) => c.scenario === "travel");
    expect(trips.length).toBeGreaterThan(0);
    for (const c of trips) {
      const player = plan.players.find((p) => p.accountId === c.accountId)!;
      const logins = loginsOf(c.accountId).map((l) => l.login);
      const abroad = logins.findIndex((l) => l.ip !== player.homeIp);
      const destination = countryOfIp.get(logins[abroad]!.ip)!;
      expect(destination).not.toBe(player.home);
      expect(distanceKm(player.home, destination) / hours(logins[abroad - 1]!, logins[abroad]!)).toBeLessThan(
        700,
      );
      expect(logins.slice(abroad).every((l) => l.ip === logins[abroad]!.ip)).toBe(true);
      expect(c.locked).toBe(false);
    }
  });

  it("bursts 30 failures on one account from one address within minutes", () => {
    const bursts = plan.cases.filter((c) => c.scenario === "failure_burst");
    for (const c of bursts) {
      const failures = plan.logins.filter(
        (l) => l.scenario === "failure_burst" && l.login.accountId === c.accountId,
      );
      expect(failures).toHaveLength(BURST_FAILURES);
      expect(new Set(failures.map((l) => l.login.ip)).size).toBe(1);
      expect(failures.every((l) => l.login.result === "failure")).toBe(true);
      expect(hours(failures[0]!.login, failures.at(-1)!.login) * 60).toBeLessThan(10);
    }
  });

  it("stuffs 50 accounts from one address within the failure window, then gets into one once it is flagged", () => {
    const [c] = plan.cases.filter((x) => x.scenario === "credential_stuffing");
    const [flagged] = plan.flaggedIps;
    const run = plan.logins.filter((l) => l.scenario === "credential_stuffing" && l.login.ip === flagged!.ip);
    const failures = run.filter((l) => l.login.result === "failure");
    const success = run.find((l) => l.login.result === "success")!;
    expect(new Set(failures.map((l) => l.login.accountId)).size).toBe(STUFFED_ACCOUNTS);
    expect(new Set(run.map((l) => l.login.ip)).size).toBe(1);
    expect(hours(failures[0]!.login, failures.at(-1)!.login) * 60).toBeLessThan(15);
    expect(success.login.accountId).toBe(c!.accountId);
    expect(success.awaitFlaggedIp).toBe(success.login.ip);
    expect(plan.logins.indexOf(success)).toBeGreaterThan(plan.logins.indexOf(failures.at(-1)!));
    expect(loginsOf(c!.accountId).at(-1)).toBe(success);
    expect(flagged).toEqual({
      ip: success.login.ip,
      country: countryOfIp.get(success.login.ip),
      accounts: STUFFED_ACCOUNTS,
    });
    // The bystanders play no other part: their failure is the only thing out of the ordinary.
    const special = new Set(plan.cases.map((x) => x.accountId));
    expect(failures.filter((l) => special.has(l.login.accountId)).map((l) => l.login.accountId)).toEqual([
      c!.accountId,
    ]);
  });

  it("stuffs names that do not exist when there are fewer than 50 players", () => {
    const small = buildPlan({ runId: "sim-s", players: 20, logins: 400, seed: "x", now: NOW, ips });
    const failures = small.logins.filter(
      (l) => l.scenario === "credential_stuffing" && l.login.result === "failure",
    );
    expect(new Set(failures.map((l) => l.login.accountId)).size).toBe(STUFFED_ACCOUNTS);
    const players = new Set(small.players.map((p) => p.accountId));
    const known = failures.filter((l) => players.has(l.login.accountId));
    expect(known.length).toBeGreaterThan(5);
    expect(known.length).toBeLessThan(20);
    expect(failures.filter((l) => l.login.accountId.startsWith("sim-s-unknown-"))).toHaveLength(
      STUFFED_ACCOUNTS - known.length,
    );
  });
});

describe("instances per scenario", () => {
  it("gives each scenario at least one instance when the budget allows", () => {
    expect(instanceCounts(300, 60, DEFAULT_MIX)).toEqual({
      travel: 6,
      takeover: 4,
      failure_burst: 1,
      credential_stuffing: 1,
    });
    expect(instanceCounts(20, 10, DEFAULT_MIX)).toEqual({
      travel: 1,
      takeover: 1,
      failure_burst: 0,
      credential_stuffing: 0,
    });
  });

  it("turns at most 40% of the players into travellers or victims", () => {
    const counts = instanceCounts(99_000, 1000, DEFAULT_MIX);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(400);
    expect(Math.min(...Object.values(counts))).toBeGreaterThan(0);
  });

  it("leaves a scenario out when its share is zero", () => {
    expect(instanceCounts(5000, 200, { ...DEFAULT_MIX, takeover: 0 }).takeover).toBe(0);
  });
});
