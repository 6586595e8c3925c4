import type { AccountState } from "@loginguard/events";
import { describe, expect, it } from "vitest";
import { StatusCache, withIpFlagged } from "./status-cache";

const locked: AccountState = {
  locked: true,
  lockedAt: "2026-05-01T12:00:00.000Z",
  reason: "impossible_travel",
  blockedCountries: ["KP"],
  allowedCountries: [],
  travel: null,
};
const unlocked: AccountState = {
  ...locked,
  locked: false,
  lockedAt: null,
  reason: null,
  blockedCountries: [],
};

describe("StatusCache", () => {
  it("answers the default for unknown accounts and holds only non-default states", () => {
    const cache = new StatusCache({ maxAccounts: 10, maxFlaggedIps: 10 });
    expect(JSON.parse(cache.statusJson("nobody"))).toEqual({
      locked: false,
      lockedAt: null,
      reason: null,
      blockedCountries: [],
      allowedCountries: [],
      travel: null,
    });
    cache.setAccount("a", locked);
    expect(JSON.parse(cache.statusJson("a"))).toEqual(locked);
    expect(cache.accountCount).toBe(1);
    cache.setAccount("a", unlocked);
    expect(cache.accountCount).toBe(0);
    expect(JSON.parse(cache.statusJson("a")).locked).toBe(false);
  });

  it("drops the least recently changed account past the bound and says so", () => {
    const evicted: string[] = [];
    const cache = new StatusCache({ maxAccounts: 2, maxFlaggedIps: 10, onEvict: (w) => evicted.push(w) });
    cache.setAccount("a", locked);
    cache.setAccount("b", locked);
    cache.setAccount("a", { ...locked, reason: "again" });
    cache.setAccount("c", locked);
    expect(cache.accountCount).toBe(2);
    expect(JSON.parse(cache.statusJson("b")).locked).toBe(false);
    expect(JSON.parse(cache.statusJson("a")).reason).toBe("again");
    expect(evicted).toEqual(["account"]);
  });

  it("flags IPs until their time, by normalised address", () => {
    let now = 1000;
    const cache = new StatusCache({ maxAccounts: 10, maxFlaggedIps: 2, now: () => now });
    cache.flagIp("::ffff:203.0.113.9", 2000);
    cache.flagIp("198.51.100.1", 500);
    expect(cache.isIpFlagged("203.0.113.9")).toBe(true);
    expect(cache.isIpFlagged("198.51.100.1")).toBe(false);
    now = 2000;
    expect(cache.isIpFlagged("203.0.113.9")).toBe(false);
    expect(cache.flaggedIpCount).toBe(0);
  });

  it("appends ipFlagged to a status JSON", () => {
    expect(JSON.parse(withIpFlagged('{"locked":false}', true))).toEqual({ locked: false, ipFlagged: true });
  });
});
