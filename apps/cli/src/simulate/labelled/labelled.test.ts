import { describe, expect, it } from "vitest";
import { ATTACKER_ORIGINS, COUNTRIES } from "../countries";
import { ATTACK_WINDOW } from "./attacks";
import { buildLabelledPlan } from "./plan";
import type { ReadAccount } from "./readback";
import { computeScorecard, formatScorecard, scoreLine } from "./scorecard";

// A fixed address book, so the plan does not need a GeoIP scan.
const ips = new Map(
  [...new Set([...COUNTRIES.map((c) => c.code), ...ATTACKER_ORIGINS])].map((code, k) => [
    code,
    Array.from({ length: 300 }, (_, i) => `${10 + k}.${Math.floor(i / 250)}.${i % 250}.7`),
  ]),
);
const NOW = Date.parse("2026-12-04T12:00:00Z");
const options = { runId: "t", seed: "s", players: 400, weeks: 1, attackShare: 0.05, now: NOW, ips };

describe("labelled plan", () => {
  it("is the same for the same seed, and another for another seed", () => {
    const a = buildLabelledPlan(options);
    const b = buildLabelledPlan(options);
    expect(b.logins.map((l) => l.login)).toEqual(a.logins.map((l) => l.login));
    expect(b.attacks).toEqual(a.attacks);
    const c = buildLabelledPlan({ ...options, seed: "other" });
    expect(c.logins.map((l) => l.login.ip)).not.toEqual(a.logins.map((l) => l.login.ip));
  });

  it("ends at the present, in occurredAt order, with the attacks in the live window", () => {
    const plan = buildLabelledPlan(options);
    const times = plan.logins.map((l) => l.at);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW - 7 * 86_400_000);
    expect(plan.attacks.length).toBe(20);
    for (const a of plan.attacks) {
      expect(a.at).toBeGreaterThanOrEqual(NOW - ATTACK_WINDOW.startBeforeEndMs);
      expect(a.at).toBeLessThanOrEqual(NOW - ATTACK_WINDOW.endBeforeEndMs);
    }
  });

  it("keeps the labels out of what is sent", () => {
    const plan = buildLabelledPlan(options);
    for (const l of plan.logins) {
      const sent = JSON.stringify(l.login);
      expect(sent).not.toMatch(/attack|legit|takeover|stuffing|spray|vpn|cafe|travel/i);
    }
  });

  it("has every kind of player and every attack class's shape", () => {
    const plan = buildLabelledPlan({ ...options, players: 2000, attackShare: 0.03 });
    expect(new Set(plan.players.map((p) => p.kind)).size).toBe(6);
    const homes = plan.players.map((p) => p.home);
    expect(homes.filter((h) => h === "KR").length / homes.length).toBeGreaterThan(0.7);
    expect(new Set(plan.attacks.map((a) => a.scenario)).size).toBe(6);
    // A stuffing run: one address failing on over 20 accounts before the success waits for its flag.
    const stuffing = plan.attacks.find((a) => a.scenario === "stuffing_takeover")!;
    const success = plan.logins.find((l) => l.login.eventId === stuffing.successIds[0])!;
    const failures = plan.logins.filter((l) => l.attackId === stuffing.id && l.login.result === "failure");
    expect(new Set(failures.map((l) => l.login.accountId)).size).toBeGreaterThanOrEqual(20);
    expect(success.awaitFlaggedIp).toBe(failures[0]!.login.ip);
    // Same-country attackers sign in from the victim's home.
    const local = plan.attacks.find((a) => a.scenario === "same_country")!;
    expect(local.country).toBe(plan.players.find((p) => p.accountId === local.accountId)!.home);
  });
});

describe("scorecard", () => {
  const plan = buildLabelledPlan(options);
  const decision = (loginEventId: string, actions: string[]) => ({
    loginEventId,
    action: actions[0] ?? null,
    actions,
    reasons: [],
  });

  function accountsWith(decisions: Array<{ accountId: string; loginEventId: string; actions: string[] }>) {
    const map = new Map<string, ReadAccount>();
    for (const p of plan.players)
      map.set(p.accountId, {
        accountId: p.accountId,
        locked: false,
        reason: null,
        decisions: [],
        answers: [],
      });
    for (const d of decisions) map.get(d.accountId)!.decisions.push(decision(d.loginEventId, d.actions));
    return map;
  }

  it("counts stopped, notified only and missed per class, and legit players per kind", () => {
    const [a0, a1] = plan.attacks;
    const legit = plan.logins.find((l) => l.label === "legit" && l.login.result === "success")!;
    const accounts = accountsWith([
      { accountId: a0!.accountId, loginEventId: a0!.successIds[0]!, actions: ["lock", "kick", "notify"] },
      { accountId: a1!.accountId, loginEventId: a1!.successIds[0]!, actions: ["notify"] },
      { accountId: legit.login.accountId, loginEventId: legit.login.eventId, actions: ["notify"] },
    ]);
    const card = computeScorecard({
      plan,
      accounts,
      excludedIds: new Set(),
      stopTimes: new Map([[a0!.id, 1200]]),
      stoppedByAnswer: new Set([a1!.id]),
      answeredYes: new Set([legit.login.eventId]),
    });
    const row0 = card.attacks.find((r) => r.scenario === a0!.scenario)!;
    expect(row0.stopped).toBeGreaterThanOrEqual(1);
    expect(row0.within5s).toBeGreaterThanOrEqual(1);
    const all = card.legit.find((r) => r.kind === "all")!;
    expect(all).toMatchObject({ players: 400, notified: 1, locked: 0, notices: 1, answeredYes: 1 });
    const total = card.attacks.reduce((n, r) => n + r.n, 0);
    expect(total).toBe(plan.attacks.length);
    expect(card.attacks.reduce((n, r) => n + r.stopped + r.notifiedOnly + r.missed, 0)).toBe(total);
    expect(card.attacks.reduce((n, r) => n + r.stoppedByAnswer, 0)).toBe(1);
    const lines = formatScorecard(card);
    expect(lines.at(-1)).toBe(scoreLine(card));
    expect(lines.at(-1)).toMatch(
      /^score: takeovers_stopped=\d+\.\d\d% stopped_within_5s=\d+\.\d\d% legit_locked=0\.00% legit_notified=0\.25%$/,
    );
  });

  it("never scores an attack that was not delivered as missed", () => {
    const a0 = plan.attacks[0]!;
    const card = computeScorecard({
      plan,
      accounts: accountsWith([]),
      excludedIds: new Set([a0.successIds[0]!]),
      stopTimes: new Map(),
      stoppedByAnswer: new Set(),
      answeredYes: new Set(),
    });
    expect(card.excluded.attacksExcluded).toBe(1);
    expect(card.attacks.reduce((n, r) => n + r.n, 0)).toBe(plan.attacks.length - 1);
  });

  it("prints the same tables for the same decisions, whatever the timings", () => {
    const accounts = accountsWith([]);
    const base = {
      plan,
      accounts,
      excludedIds: new Set<string>(),
      stoppedByAnswer: new Set<number>(),
      answeredYes: new Set<string>(),
    };
    const one = formatScorecard(computeScorecard({ ...base, stopTimes: new Map([[0, 100]]) }));
    const two = formatScorecard(computeScorecard({ ...base, stopTimes: new Map([[0, 9000]]) }));
    const tables = (lines: string[]) =>
      lines.slice(0, lines.indexOf("time to the lock visible in the status API (varies run to run)"));
    expect(tables(two)).toEqual(tables(one));
  });
});
