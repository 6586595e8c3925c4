import { describe, expect, it } from "vitest";
import { recordedLogin } from "../../test/fixtures";
import { DEFAULT_RULES_CONFIG, rulesForGame } from "../rules/config";
import type { Evaluation } from "../rules/evaluate";
import { emptyAccount } from "../state/account-record";
import type { IpFlag } from "../state/ip-flag-store";
import { accountOpsOf, flagToRaise } from "./effects";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const rules = rulesForGame(DEFAULT_RULES_CONFIG, undefined);
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

function evaluation(over: Partial<Evaluation>): Evaluation {
  return { reasons: [], action: null, actions: [], flagIp: null, failureBurstFired: false, ...over };
}

describe("flagToRaise", () => {
  const source = evaluation({ flagIp: { ip: "198.51.100.1", failedAccounts: 25, mode: "enforce" } });
  const flag = (until: Date, enforced = true): IpFlag => ({
    ip: "198.51.100.1",
    failedAccounts: 30,
    flaggedAt: minutes(-10),
    until,
    enforced,
  });

  it("raises a new flag for an hour", () => {
    expect(flagToRaise(source, null, rules, NOW)).toEqual({
      ip: "198.51.100.1",
      failedAccounts: 25,
      flaggedAt: NOW,
      until: minutes(60),
      enforced: true,
    });
  });

  it("leaves a live flag alone until less than half of it is left, then refreshes it", () => {
    expect(flagToRaise(source, flag(minutes(45)), rules, NOW)).toBeNull();
    expect(flagToRaise(source, flag(minutes(20)), rules, NOW)).toMatchObject({
      until: minutes(60),
      failedAccounts: 30,
    });
    expect(flagToRaise(source, flag(minutes(-5)), rules, NOW)).toMatchObject({ failedAccounts: 25 });
  });

  it("turns a shadow flag into an enforced one when the rule is enforced", () => {
    expect(flagToRaise(source, flag(minutes(55), false), rules, NOW)).toMatchObject({ enforced: true });
    const shadow = evaluation({ flagIp: { ip: "198.51.100.1", failedAccounts: 25, mode: "shadow" } });
    expect(flagToRaise(shadow, flag(minutes(55), true), rules, NOW)).toBeNull();
  });
});

describe("accountOpsOf", () => {
  const login = recordedLogin({ country: "JP" });
  const enforced = (code: "impossible_travel" | "country_not_allowed", actions: Evaluation["actions"]) => ({
    code,
    action: actions[0]!,
    mode: "enforce" as const,
    evidence: {},
    actions,
  });

  it("locks for the first lock reason and blocks the login's country; shadow reasons change nothing", () => {
    const both = evaluation({
      reasons: [
        enforced("impossible_travel", ["lock", "kick", "notify"]),
        enforced("country_not_allowed", ["block", "notify"]),
      ],
    });
    const after = accountOpsOf(both, login, NOW).reduce((r, op) => op(r), emptyAccount("a"));
    expect(after).toMatchObject({ locked: true, lockReason: "impossible_travel", blockedCountries: ["JP"] });
    const shadow = evaluation({ reasons: [{ ...enforced("impossible_travel", ["lock"]), mode: "shadow" }] });
    expect(accountOpsOf(shadow, login, NOW)).toEqual([]);
  });
});
