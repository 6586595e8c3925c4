import type { AccountState } from "@loginguard/events";
import { describe, expect, it } from "vitest";
import { StatusCache, withIpFlagged, withStale } from "./status-cache";

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
  it("answers the default for unknown accounts, and says whether it knows the account", () => {
    const cache = new StatusCache({ maxAccounts: 10, maxFlaggedIps: 10 });
    expect(JSON.parse(cache.statusJson("nobody"))).toEqual({
      locked: false,
      lockedAt: null,
      reason: null,
      blockedCountries: [],
      allowedCountries: [],
      travel: null,
    });
    expect(cache.lookup("nobody")).toMatchObject({ known: false, certain: true });
    cache.setAccount("a", locked, 1);
    expect(JSON.parse(cache.statusJson("a"))).toEqual(locked);
    cache.setAccount("a", unlocked, 2);
    expect(JSON.parse(cache.statusJson("a")).locked).toBe(false);
    // Back to the default, still held: its version guards against a stale lock.
    expect(cache.lookup("a").known).toBe(true);
    expect(cache.versionOf("a")).toBe(2);
  });

  it("never rolls back: an older version is ignored, the same version again is applied", () => {
    const cache = new StatusCache({ maxAccounts: 10, maxFlaggedIps: 10 });
    expect(cache.setAccount("a", locked, 5)).toBe(true);
    expect(cache.setAccount("a", unlocked, 7)).toBe(true);
    expect(cache.setAccount("a", locked, 5)).toBe(false);
    expect(JSON.parse(cache.statusJson("a")).locked).toBe(false);
    expect(cache.setAccount("a", unlocked, 7)).toBe(true);
    // Unversioned (older producers) counts as 0: it never overrides a versioned state.
    expect(cache.setAccount("a", locked)).toBe(false);
    expect(cache.setAccount("b", locked)).toBe(true);
    expect(cache.setAccount("b", unlocked)).toBe(true);
  });

  it("evicts unlocked accounts first, never a locked one, and says when locked ones alone exceed the bound", () => {
    const evicted: string[] = [];
    const cache = new StatusCache({ maxAccounts: 2, maxFlaggedIps: 10, onEvict: (w) => evicted.push(w) });
    cache.setAccount("l1", locked, 1);
    cache.setAccount("u1", { ...unlocked, blockedCountries: ["KP"] }, 1);
    cache.setAccount("u2", unlocked, 1);
    expect(evicted).toEqual(["account"]);
    expect(cache.lookup("u1")).toMatchObject({ known: false, certain: false });
    expect(JSON.parse(cache.statusJson("l1")).locked).toBe(true);
    cache.setAccount("l2", locked, 1);
    cache.setAccount("l3", locked, 1);
    expect(cache.lockedCount).toBe(3);
    expect(evicted).toEqual(["account", "account", "locked_over_bound"]);
    for (const id of ["l1", "l2", "l3"]) expect(JSON.parse(cache.statusJson(id)).locked).toBe(true);
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
    expect(JSON.parse(withStale('{"locked":true}'))).toEqual({ locked: true, stale: true });
  });
});
