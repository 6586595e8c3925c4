import { LoginAttemptedSchema } from "@loginguard/events";
import { describe, expect, it } from "vitest";
import { loginItemsOf, MAX_REPORTED_ERRORS, validateLogins } from "./login-body";

const NOW = Date.UTC(2026, 4, 1, 12);
const context = { now: NOW, receivedAt: new Date(NOW).toISOString(), source: "eu-login" };
const good = {
  eventId: "e-1",
  accountId: "acc-1",
  occurredAt: "2026-05-01T20:59:00+09:00",
  ip: " ::ffff:81.2.69.160 ",
  result: "failure",
  failureReason: "bad_password",
  gameId: null,
};

describe("loginItemsOf", () => {
  it("tells one login from a batch and refuses other shapes", () => {
    expect(loginItemsOf(good)).toEqual({ ok: true, items: [good], batch: false });
    expect(loginItemsOf({ events: [good, good] })).toMatchObject({ ok: true, batch: true });
    expect(loginItemsOf([good]).ok).toBe(false);
    expect(loginItemsOf({ events: [] }).ok).toBe(false);
    expect(loginItemsOf({ events: new Array(1001).fill(good) }).ok).toBe(false);
    expect(loginItemsOf({ events: [good], extra: 1 })).toEqual({
      ok: false,
      message: 'Unknown field "extra" next to "events"',
    });
  });
});

describe("validateLogins", () => {
  it("builds login.attempted data that the event schema accepts", () => {
    const result = validateLogins([good], context);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [login] = result.logins;
    expect(login).toEqual({
      eventId: "e-1",
      accountId: "acc-1",
      occurredAt: "2026-05-01T11:59:00.000Z",
      ip: "81.2.69.160",
      result: "failure",
      failureReason: "bad_password",
      receivedAt: "2026-05-01T12:00:00.000Z",
      source: "eu-login",
    });
    expect(LoginAttemptedSchema.parse(login)).toEqual(login);
  });

  it("generates an eventId when absent", () => {
    const result = validateLogins(
      [
        { ...good, eventId: undefined },
        { ...good, eventId: undefined },
      ],
      context,
    );
    if (!result.ok) throw new Error("expected ok");
    const [a, b] = result.logins;
    expect(a?.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a?.eventId).not.toBe(b?.eventId);
  });

  it("names the item and field of every problem", () => {
    const result = validateLogins(
      [
        good,
        { ...good, ip: "1.2.3.4:80" },
        { ...good, occurredAt: "2026-05-03T12:00:01Z", result: "ok", accountId: "" },
        { ...good, userAgent: "x".repeat(513), extra: true, sessionId: 7 },
        "not an object",
        { ...good, occurredAt: "2025-04-30T00:00:00Z", eventId: "a\nb" },
        { accountId: "acc" },
      ],
      context,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.invalidItems).toBe(6);
    expect(result.errors).toEqual([
      { index: 1, path: "ip", message: "must not carry a port" },
      { index: 2, path: "accountId", message: "must be 1 to 128 characters" },
      { index: 2, path: "occurredAt", message: "is more than 1 day in the future" },
      { index: 2, path: "result", message: 'must be "success" or "failure"' },
      { index: 3, path: "extra", message: "is not a field of a login" },
      { index: 3, path: "sessionId", message: "must be a string" },
      { index: 4, path: "", message: "must be a login object" },
      { index: 5, path: "eventId", message: "must not contain control characters" },
      { index: 5, path: "occurredAt", message: "is more than 365 days in the past" },
      { index: 6, path: "occurredAt", message: "is required" },
      { index: 6, path: "ip", message: "is required" },
      { index: 6, path: "result", message: "is required" },
    ]);
  });

  it("refuses identifiers with control characters or invalid UTF-8, naming the field", () => {
    for (const [field, value, message] of [
      ["accountId", "p\u0000", "must not contain control characters"],
      ["sessionId", "s\r\nSet-Cookie: x", "must not contain control characters"],
      ["gameId", "g\u0085", "must not contain control characters"],
      ["serverId", "\ud800", "must be valid UTF-8 (no lone surrogates, no U+FFFD)"],
      ["eventId", "e\ufffd", "must be valid UTF-8 (no lone surrogates, no U+FFFD)"],
    ] as const) {
      const result = validateLogins([{ ...good, [field]: value }], context);
      expect(result.ok, field).toBe(false);
      if (!result.ok) expect(result.errors).toEqual([{ index: 0, path: field, message }]);
    }
  });

  it("keeps free text cleaned and capped instead of refusing the login (never a reason to lose it)", () => {
    const result = validateLogins(
      [
        {
          ...good,
          userAgent: `Evil\u0000Agent\r\n<script>${"x".repeat(100_000)}`,
          deviceId: "dev\ud800ice",
          failureReason: "bad\tpassword",
        },
      ],
      context,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const [login] = result.logins;
    expect(login?.userAgent).toHaveLength(512);
    expect(login?.userAgent?.startsWith("EvilAgent<script>xxx")).toBe(true);
    expect(login?.deviceId).toBe("dev\ufffdice");
    expect(login?.failureReason).toBe("badpassword");
    expect(LoginAttemptedSchema.parse(login)).toEqual(login);
  });

  it("refuses unparseable times and addresses with a message, not an exception", () => {
    for (const [field, value] of [
      ["occurredAt", "yesterday"],
      ["occurredAt", 1714564800],
      ["ip", "999.1.1.1"],
      ["ip", "fe80::1%eth0"],
      ["ip", "10.0.0.0/8"],
      ["ip", 12345],
    ] as const) {
      const result = validateLogins([{ ...good, [field]: value }], context);
      expect(result.ok, `${field}=${value}`).toBe(false);
      if (!result.ok) expect(result.errors[0]?.path).toBe(field);
    }
  });

  it("lists at most MAX_REPORTED_ERRORS errors but counts all", () => {
    const result = validateLogins(new Array(300).fill({ ...good, ip: "nope" }), context);
    if (result.ok) throw new Error("expected errors");
    expect(result.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(result.totalErrors).toBe(300);
  });
});
