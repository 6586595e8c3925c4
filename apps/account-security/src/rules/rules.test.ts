import { describe, expect, it } from "vitest";
import { plainAccount, plusMinutes, recordedLogin } from "../../test/fixtures";
import { DEFAULT_RULES_CONFIG, type RulesConfig, rulesForGame } from "./config";
import { parseRulesConfig } from "./config-file";
import { evaluateLogin } from "./evaluate";
import type { AccountFacts, IpFlagFacts, RuleContext } from "./types";

const T0 = "2026-03-01T12:00:00.000Z";

function evaluate(
  login: ReturnType<typeof recordedLogin>,
  opts: { account?: AccountFacts; config?: RulesConfig; ipFlag?: IpFlagFacts | null; now?: string } = {},
) {
  const ctx: RuleContext = {
    login,
    account: opts.account ?? plainAccount(),
    ipFlag: opts.ipFlag ?? null,
    rules: rulesForGame(opts.config ?? DEFAULT_RULES_CONFIG, login.gameId),
    now: new Date(opts.now ?? login.occurredAt),
  };
  return evaluateLogin(ctx);
}

/** A successful login in `country` with a previous success in `from`, `minutes` earlier. */
function travel(
  from: string,
  country: string,
  minutes: number,
  extra: Parameters<typeof recordedLogin>[0] = {},
) {
  return recordedLogin({
    country,
    occurredAt: plusMinutes(T0, minutes),
    ...extra,
    history: {
      previousSuccess: { eventId: "prev", country: from, occurredAt: T0 },
      countriesSeen: [from],
      ...extra.history,
    },
  });
}

describe("pseudo-codes are unknown, never a country", () => {
  it.each(["EU", "AP", "ZZ", "XX"])("a login located in %s after KR: nothing to do", (code) => {
    expect(evaluate(travel("KR", code, 10)).reasons).toEqual([]);
  });

  it("a history holding only EU (recorded before it counted as unknown) makes KR no new country", () => {
    const login = recordedLogin({
      country: "KR",
      occurredAt: plusMinutes(T0, 10),
      history: { previousSuccess: { eventId: "prev", country: "EU", occurredAt: T0 }, countriesSeen: ["EU"] },
    });
    expect(evaluate(login).reasons).toEqual([]);
  });

  it("EU as the previous login's country is no impossible travel to BR", () => {
    const login = travel("EU", "BR", 10, { history: { countriesSeen: ["EU", "KR"] } });
    expect(evaluate(login).reasons.map((r) => r.code)).toEqual(["new_country"]);
  });
});

describe("new_country and impossible_travel", () => {
  it("KR after KR: nothing to do", () => {
    const result = evaluate(travel("KR", "KR", 10));
    expect(result.reasons).toEqual([]);
    expect(result.action).toBeNull();
  });

  it("BR ten minutes after KR: impossible travel, lock + kick + notify, with distance and speed", () => {
    const result = evaluate(travel("KR", "BR", 10));
    expect(result.action).toBe("lock");
    expect(result.actions).toEqual(["lock", "kick", "notify"]);
    const reason = result.reasons.find((r) => r.code === "impossible_travel");
    expect(reason).toMatchObject({ action: "lock", mode: "enforce" });
    const e = reason!.evidence;
    expect(e).toMatchObject({ country: "BR", previousCountry: "KR", previousAt: T0, elapsedMinutes: 10 });
    // Between the two countries' reference points (Seoul to São Paulo is about 18,300 km).
    expect(e.distanceKm).toBeGreaterThan(16_500);
    expect(e.distanceKm).toBeLessThan(18_500);
    expect(Math.abs(e.speedKmh! - e.distanceKm! * 6)).toBeLessThan(10); // 10 minutes: km x 6 per hour
    // BR is also new to the account.
    expect(result.reasons.map((r) => r.code)).toEqual(["impossible_travel", "new_country"]);
  });

  it("a new country at a plausible speed: new_country, notify only", () => {
    const result = evaluate(travel("KR", "JP", 5 * 60));
    expect(result.reasons.map((r) => r.code)).toEqual(["new_country"]);
    expect(result.action).toBe("notify");
    expect(result.actions).toEqual(["notify"]);
    expect(result.reasons[0]!.evidence).toMatchObject({ country: "JP", previousCountry: "KR" });
  });

  it("neighbours closer than minDistanceKm never count as impossible travel", () => {
    // NL and BE reference points are about 220 km apart: one minute is 13,000 km/h, still ignored.
    const result = evaluate(travel("NL", "BE", 1));
    expect(result.reasons.map((r) => r.code)).toEqual(["new_country"]);
  });

  it("two logins in the same second keep a finite speed", () => {
    const result = evaluate(travel("KR", "BR", 0));
    const e = result.reasons.find((r) => r.code === "impossible_travel")!.evidence;
    expect(Number.isFinite(e.speedKmh)).toBe(true);
  });

  it("unknown countries never fire travel rules", () => {
    // ZZ is "unknown" by convention: no new country either (docs/ARCHITECTURE.md section 7).
    expect(evaluate(travel("KR", "ZZ", 10)).reasons).toEqual([]);
    const fromUnknown = recordedLogin({
      country: "BR",
      occurredAt: plusMinutes(T0, 10),
      history: { previousSuccess: { eventId: "p", country: null, occurredAt: T0 }, countriesSeen: [] },
    });
    expect(evaluate(fromUnknown).reasons).toEqual([]);
  });

  it("private, reserved and unlocated IPs never count as a new country", () => {
    for (const ipClass of ["private", "reserved", "invalid"] as const) {
      const login = travel("KR", "BR", 10, { ipClass, ip: "10.0.0.1" });
      expect(evaluate(login).reasons).toEqual([]);
    }
    expect(evaluate(travel("KR", "KR", 10, { country: null })).reasons).toEqual([]);
  });

  it("the first login of an account has nothing to compare with", () => {
    expect(evaluate(recordedLogin({ country: "BR" })).reasons).toEqual([]);
  });

  it("a country the player confirmed is not new", () => {
    const login = travel("KR", "JP", 5 * 60);
    expect(evaluate(login, { account: plainAccount({ knownCountries: ["JP"] }) }).reasons).toEqual([]);
  });

  it("failed logins never fire success rules", () => {
    expect(evaluate(travel("KR", "BR", 10, { result: "failure" })).reasons).toEqual([]);
  });
});

describe("failure_burst", () => {
  it("30 failures notify once and never lock", () => {
    let account = plainAccount();
    const decisions = [];
    for (let n = 1; n <= 30; n++) {
      const login = recordedLogin({
        result: "failure",
        occurredAt: plusMinutes(T0, n / 10),
        history: { recentFailures: n },
      });
      const result = evaluate(login, { account });
      if (result.failureBurstFired) account = { ...account, failureBurstAt: new Date(login.occurredAt) };
      if (result.reasons.length > 0) decisions.push(result);
    }
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.actions).toEqual(["notify"]);
    expect(decisions[0]!.reasons[0]).toMatchObject({
      code: "failure_burst",
      action: "notify",
      evidence: { failures: 10, windowMinutes: 15 },
    });
  });

  it("fires again once the quiet period is over", () => {
    const login = recordedLogin({ result: "failure", history: { recentFailures: 12 } });
    const account = plainAccount({ failureBurstAt: new Date(plusMinutes(T0, -61)) });
    expect(evaluate(login, { account }).failureBurstFired).toBe(true);
  });
});

describe("credential_stuffing and takeover_suspected", () => {
  it("an IP failing on 50 accounts is flagged; a success from it on a new country is a takeover", () => {
    const failure = recordedLogin({
      result: "failure",
      accountId: "victim-50",
      ip: "198.51.100.7",
      history: { ipFailedAccounts: 50, recentFailures: 1 },
    });
    const flagged = evaluate(failure);
    expect(flagged.flagIp).toEqual({ ip: "198.51.100.7", failedAccounts: 50, mode: "enforce" });
    expect(flagged.reasons).toEqual([]);

    // A day later: far, but not impossibly fast.
    const success = travel("KR", "US", 24 * 60, { ip: "198.51.100.7", accountId: "victim-7" });
    const result = evaluate(success, {
      ipFlag: { failedAccounts: 50, until: new Date(plusMinutes(T0, 25 * 60)) },
    });
    expect(result.action).toBe("lock");
    expect(result.actions).toEqual(["lock", "kick", "notify"]);
    expect(result.reasons.map((r) => r.code)).toEqual([
      "takeover_suspected",
      "new_country",
      "credential_stuffing",
    ]);
    expect(result.reasons[0]!.evidence).toMatchObject({
      country: "US",
      ipFailedAccounts: 50,
      failures: 0,
      cause: "ip_failures",
    });
  });

  it("a success from a flagged IP in a known country is notified, not locked", () => {
    const success = travel("KR", "KR", 120, { ip: "198.51.100.7" });
    const result = evaluate(success, {
      ipFlag: { failedAccounts: 30, until: new Date(plusMinutes(T0, 180)) },
    });
    expect(result.reasons.map((r) => r.code)).toEqual(["credential_stuffing"]);
    expect(result.actions).toEqual(["notify"]);
  });

  it("an expired flag no longer counts", () => {
    const success = travel("KR", "KR", 120, { ip: "198.51.100.7" });
    expect(evaluate(success, { ipFlag: { failedAccounts: 30, until: new Date(T0) } }).reasons).toEqual([]);
  });

  it("a success from a new country right after a failure burst on the account is a takeover", () => {
    const result = evaluate(travel("KR", "VN", 600, { history: { recentFailures: 8 } }));
    expect(result.reasons[0]).toMatchObject({
      code: "takeover_suspected",
      evidence: { country: "VN", failures: 8, windowMinutes: 15, cause: "account_failures" },
    });
  });

  it("a new country on a device the account never used is a takeover; the player's own device is not", () => {
    const thief = evaluate(travel("KR", "BR", 48 * 60, { history: { deviceSeen: false } }));
    expect(thief.action).toBe("lock");
    expect(thief.reasons[0]).toMatchObject({
      code: "takeover_suspected",
      evidence: { country: "BR", cause: "new_device" },
    });
    // A traveller on their own phone, or a login that names no device: notified only.
    for (const deviceSeen of [true, null, undefined]) {
      const own = evaluate(travel("KR", "BR", 48 * 60, { history: { deviceSeen } }));
      expect(own.reasons.map((r) => r.code)).toEqual(["new_country"]);
    }
    // A new device at home is no takeover.
    expect(evaluate(travel("KR", "KR", 60, { history: { deviceSeen: false } })).reasons).toEqual([]);
    // And the operator can turn the signal off.
    const off = parseRulesConfig({ rules: { takeover_suspected: { newDeviceInNewCountry: false } } });
    expect(
      evaluate(travel("KR", "BR", 48 * 60, { history: { deviceSeen: false } }), { config: off }).action,
    ).toBe("notify");
  });

  it("switching a VPN between two countries the account uses is no impossible travel", () => {
    const vpn = travel("KR", "US", 30, { history: { countriesSeen: ["KR", "US"] } });
    expect(evaluate(vpn).reasons).toEqual([]);
    const strict = parseRulesConfig({ rules: { impossible_travel: { skipKnownPairs: false } } });
    expect(evaluate(vpn, { config: strict }).action).toBe("lock");
    // A country seen once is not enough for the other side: KR -> BR is still impossible.
    expect(evaluate(travel("KR", "BR", 30, { history: { countriesSeen: ["KR", "US"] } })).action).toBe(
      "lock",
    );
  });

  it("a travel allowance for the country silences new_country", () => {
    const account = plainAccount({
      travel: { country: "FR", until: new Date(plusMinutes(T0, 7 * 24 * 60)) },
    });
    expect(evaluate(travel("KR", "FR", 20 * 60), { account }).reasons).toEqual([]);
    expect(evaluate(travel("KR", "IT", 20 * 60), { account }).reasons.map((r) => r.code)).toEqual([
      "new_country",
    ]);
  });

  it("private IPs are never flagged", () => {
    const failure = recordedLogin({
      result: "failure",
      ipClass: "private",
      history: { ipFailedAccounts: 99 },
    });
    expect(evaluate(failure).flagIp).toBeNull();
  });
});

describe("country_not_allowed and travel allowances", () => {
  const account = plainAccount({ allowedCountries: ["KR"] });

  it("blocks a country the account does not allow, with the allowed list as evidence", () => {
    const result = evaluate(travel("KR", "JP", 5 * 60), { account });
    expect(result.action).toBe("block");
    expect(result.actions).toEqual(["block", "notify"]);
    expect(result.reasons[0]).toMatchObject({
      code: "country_not_allowed",
      evidence: { country: "JP", allowedCountries: ["KR"] },
    });
  });

  it("a travel allowance covers its country until its date, not after", () => {
    const until = new Date(plusMinutes(T0, 7 * 24 * 60));
    const covered = plainAccount({ allowedCountries: ["KR"], travel: { country: "JP", until } });
    // Covered: no block, and no "new country" notice either (the player said they would be there).
    expect(evaluate(travel("KR", "JP", 5 * 60), { account: covered }).reasons).toEqual([]);
    const late = travel("KR", "JP", 8 * 24 * 60);
    expect(evaluate(late, { account: covered }).action).toBe("block");
    const elsewhere = travel("KR", "TH", 5 * 60);
    expect(evaluate(elsewhere, { account: covered }).action).toBe("block");
  });

  it("a game's allowed countries apply to every account of the game", () => {
    const config = parseRulesConfig({ games: { "kr-only": { allowedCountries: ["KR"] } } });
    const result = evaluate(travel("KR", "JP", 5 * 60, { gameId: "kr-only" }), { config });
    expect(result.reasons[0]).toMatchObject({
      code: "country_not_allowed",
      evidence: { allowedCountries: ["KR"] },
    });
    expect(evaluate(travel("KR", "JP", 5 * 60, { gameId: "other" }), { config }).action).toBe("notify");
  });

  it("an unlocated login is never blocked", () => {
    expect(evaluate(travel("KR", "JP", 60, { country: null }), { account }).reasons).toEqual([]);
  });
});

describe("modes", () => {
  it("shadow mode records the reasons with action null", () => {
    const config = parseRulesConfig({
      rules: { impossible_travel: { mode: "shadow" }, new_country: { mode: "shadow" } },
    });
    const result = evaluate(travel("KR", "BR", 10), { config });
    expect(result.action).toBeNull();
    expect(result.actions).toEqual([]);
    expect(result.reasons.map((r) => [r.code, r.mode, r.action])).toEqual([
      ["impossible_travel", "shadow", "lock"],
      ["new_country", "shadow", "notify"],
    ]);
  });

  it("a game can override a rule's mode and thresholds", () => {
    const config = parseRulesConfig({
      games: {
        casual: { rules: { impossible_travel: { mode: "shadow" } } },
        strict: { rules: { failure_burst: { minFailures: 3 } } },
        quiet: { rules: { new_country: { mode: "off" } } },
      },
    });
    const casual = evaluate(travel("KR", "BR", 10, { gameId: "casual" }), { config });
    expect(casual.reasons.map((r) => r.mode)).toEqual(["shadow", "enforce"]);
    expect(casual.action).toBe("notify");
    expect(evaluate(travel("KR", "BR", 10, { gameId: "ranked" }), { config }).action).toBe("lock");
    const fail3 = (gameId: string) =>
      recordedLogin({ gameId, result: "failure", history: { recentFailures: 3 } });
    expect(evaluate(fail3("strict"), { config }).failureBurstFired).toBe(true);
    expect(evaluate(fail3("ranked"), { config }).failureBurstFired).toBe(false);
    expect(evaluate(travel("KR", "JP", 300, { gameId: "quiet" }), { config }).reasons).toEqual([]);
  });

  it("rejects a configuration with unknown rules or bad values, naming them", () => {
    expect(() => parseRulesConfig({ rules: { impossible_travel: { maxSpeedKmh: -1 } } })).toThrow(
      /rules\.impossible_travel\.maxSpeedKmh/,
    );
    expect(() => parseRulesConfig({ games: { g: { rules: { no_such_rule: {} } } } })).toThrow(
      /games\.g\.rules/,
    );
    expect(() => parseRulesConfig({ rules: { new_country: { mode: "loud" } } })).toThrow(/mode/);
  });
});
