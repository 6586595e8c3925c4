import { describe, expect, it } from "vitest";
import { chunkFacts, compareIds, FAILURE_COUNT_CAP, mergeContext, type StoredPart } from "./history-context";
import type { NewLoginRow } from "./login-row";

const WINDOWS = { historyWindowDays: 90, failureWindowMinutes: 15 };
const T0 = Date.parse("2026-03-01T12:00:00.000Z");

function row(eventId: string, at: number, fields: Partial<NewLoginRow> = {}): NewLoginRow {
  return {
    eventId,
    accountId: "a",
    occurredAt: new Date(at).toISOString(),
    result: "success",
    failureReason: null,
    ip: "203.0.113.1",
    ipMasked: "203.0.113.x",
    ipClass: "public",
    country: "KR",
    deviceId: null,
    userAgent: null,
    gameId: null,
    serverId: null,
    sessionId: null,
    source: "t",
    correlationId: eventId,
    receivedAt: new Date(at).toISOString(),
    ...fields,
  };
}

const noDevices = { withDevice: 0, seen: false };
const nothingStored: StoredPart = {
  previousSuccess: null,
  countries: [],
  failures: 0,
  ipFailedAccounts: 0,
  devices: noDevices,
};

describe("chunk facts", () => {
  const rows = [
    row("e1", T0, { country: "KR" }),
    row("e2", T0 + 60_000, { result: "failure", country: "BR" }),
    row("e3", T0 + 60_000, { result: "failure", accountId: "b", country: "BR" }),
    row("e4", T0 + 120_000, { country: "BR" }),
    row("e0", T0 - 91 * 86_400_000, { country: "DE" }),
  ];

  it("gives each login what the chunk's logins before it say", () => {
    const facts = chunkFacts(rows, WINDOWS);
    expect(facts[3]).toEqual({
      previousSuccess: { eventId: "e1", country: "KR", occurredAt: rows[0]!.occurredAt },
      countries: ["KR"],
      failures: 1,
      ipAccounts: ["a", "b"],
      devices: noDevices,
    });
    expect(facts[0]).toMatchObject({ previousSuccess: { eventId: "e0" }, countries: [], failures: 0 });
    // A failure counts itself, and its own account on the IP.
    expect(facts[1]).toMatchObject({ failures: 1, ipAccounts: ["a"] });
  });

  it("does not depend on the order of the chunk", () => {
    const byId = (facts: ReturnType<typeof chunkFacts>, list: NewLoginRow[]) =>
      Object.fromEntries(list.map((r, i) => [r.eventId, facts[i]]));
    const reversed = [...rows].reverse();
    expect(byId(chunkFacts(reversed, WINDOWS), reversed)).toEqual(byId(chunkFacts(rows, WINDOWS), rows));
  });
});

describe("merging stored and chunk facts", () => {
  it("takes the later previous success and the union of countries", () => {
    const stored: StoredPart = {
      previousSuccess: { eventId: "s1", country: "JP", occurredAt: new Date(T0 - 1000).toISOString() },
      countries: ["JP", "US"],
      failures: 2,
      ipFailedAccounts: 4,
      devices: noDevices,
    };
    const context = mergeContext(
      stored,
      {
        previousSuccess: { eventId: "c1", country: "KR", occurredAt: new Date(T0 - 2000).toISOString() },
        countries: ["KR", "JP"],
        failures: 1,
        ipAccounts: ["x"],
        devices: noDevices,
      },
      WINDOWS,
    );
    expect(context).toEqual({
      previousSuccess: stored.previousSuccess,
      countriesSeen: ["JP", "KR", "US"],
      windowDays: 90,
      recentFailures: 3,
      failureWindowMinutes: 15,
      ipFailedAccounts: 4,
      deviceSeen: null,
    });
  });

  it("says whether the device was seen: in the chunk, stored, or unknown", () => {
    const rows = [
      row("d1", T0, { deviceId: "phone" }),
      row("d2", T0 + 1000, { deviceId: "laptop" }),
      row("d3", T0 + 2000, { deviceId: "phone" }),
      row("d4", T0 + 3000),
    ];
    const facts = chunkFacts(rows, WINDOWS);
    expect(facts.map((f) => f.devices)).toEqual([
      { withDevice: 0, seen: false },
      { withDevice: 1, seen: false },
      { withDevice: 2, seen: true },
      { withDevice: 3, seen: false },
    ]);
    const merge = (stored: StoredPart["devices"], chunk: StoredPart["devices"], deviceId: string | null) =>
      mergeContext({ ...nothingStored, devices: stored }, { ...facts[0]!, devices: chunk }, WINDOWS, deviceId)
        .deviceSeen;
    expect(merge({ withDevice: 3, seen: true }, noDevices, "phone")).toBe(true);
    expect(merge({ withDevice: 3, seen: false }, { withDevice: 1, seen: true }, "phone")).toBe(true);
    expect(merge({ withDevice: 3, seen: false }, noDevices, "attacker")).toBe(false);
    expect(merge(noDevices, noDevices, "phone")).toBeNull(); // nothing to compare with
    expect(merge({ withDevice: 3, seen: false }, noDevices, null)).toBeNull(); // no device named
  });

  it("caps the counts", () => {
    const context = mergeContext(
      { ...nothingStored, failures: FAILURE_COUNT_CAP, ipFailedAccounts: FAILURE_COUNT_CAP + 3 },
      { previousSuccess: null, countries: [], failures: 5, ipAccounts: [], devices: noDevices },
      WINDOWS,
    );
    expect(context.recentFailures).toBe(FAILURE_COUNT_CAP);
    expect(context.ipFailedAccounts).toBe(FAILURE_COUNT_CAP);
  });
});

describe("compareIds", () => {
  it('orders like PostgreSQL\'s COLLATE "C": by UTF-8 bytes', () => {
    expect(compareIds("a", "b")).toBeLessThan(0);
    expect(compareIds("B", "a")).toBeLessThan(0);
    expect(compareIds("x", "x")).toBe(0);
    // U+FF61 sorts before U+1F600 in UTF-8 (and code points), after it in UTF-16 code units.
    expect(compareIds("\uff61", "\u{1f600}")).toBeLessThan(0);
    expect("\uff61" < "\u{1f600}").toBe(false);
  });
});
