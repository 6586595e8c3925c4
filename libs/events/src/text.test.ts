import { describe, expect, it } from "vitest";
import { decodeEvent, encodeEvent } from "./codec";
import { LoginAttemptedSchema } from "./schemas";
import { cleanFreeText, identifierProblem } from "./text";

const login = {
  eventId: "e1",
  accountId: "p1",
  occurredAt: "2026-05-01T12:00:00.000Z",
  ip: "1.2.3.4",
  result: "success",
  receivedAt: "2026-05-01T12:00:00.000Z",
  source: "test",
};

describe("the text rule", () => {
  it("refuses identifiers with C0, DEL or C1 controls, lone surrogates or U+FFFD", () => {
    expect(identifierProblem("plain-id_01")).toBeNull();
    expect(identifierProblem("한국어😀")).toBeNull();
    for (const bad of ["a\u0000", "a\r\n", "a\u007f", "a\u0085"])
      expect(identifierProblem(bad)).toBe("control_character");
    for (const bad of ["a\ud800", "\udc00a", "a\ufffd"]) expect(identifierProblem(bad)).toBe("invalid_utf8");
  });

  it("cleans free text: controls removed, lone surrogates replaced, capped without splitting a pair", () => {
    expect(cleanFreeText("Evil\u0000Agent", 512)).toEqual({
      text: "EvilAgent",
      control: true,
      invalidUtf8: false,
      truncated: false,
    });
    expect(cleanFreeText("a\ud800b", 10).text).toBe("a\ufffdb");
    const capped = cleanFreeText(`${"x".repeat(9)}😀`, 10);
    expect(capped).toMatchObject({ text: "x".repeat(9), truncated: true });
    const same = "Mozilla/5.0 (Windows NT 10.0)";
    expect(cleanFreeText(same, 512).text).toBe(same);
  });

  it("a record written by another client with a NUL or 100 KB user agent decodes cleaned, not refused", () => {
    const record = encodeEvent({
      id: "e1",
      type: "loginguard.login.attempted.v1",
      source: "kcat",
      time: login.receivedAt,
      subject: "p1",
      correlationId: "e1",
      data: { ...login, userAgent: `Evil\u0000Agent${"y".repeat(100_000)}`, deviceId: "d\u001b[31m" },
    });
    const decoded = decodeEvent(record, ["loginguard.login.attempted.v1"]);
    if (!decoded.ok) throw decoded.error;
    expect(decoded.event.data.userAgent).toHaveLength(512);
    expect(decoded.event.data.userAgent?.startsWith("EvilAgenty")).toBe(true);
    expect(decoded.event.data.deviceId).toBe("d[31m");
  });

  it("a record whose identifier holds a control character or invalid UTF-8 is refused with the field named", () => {
    expect(LoginAttemptedSchema.safeParse({ ...login, accountId: "p\u0000" }).error?.issues[0]).toMatchObject(
      {
        path: ["accountId"],
        message: "must not contain control characters",
      },
    );
    const record = encodeEvent({
      id: "e2",
      type: "loginguard.login.attempted.v1",
      source: "kcat",
      time: login.receivedAt,
      subject: "p1",
      correlationId: "e2",
      data: login,
    });
    // The value's accountId holds the bytes C3 28: not UTF-8.
    const [head, tail] = JSON.stringify(login).split('"p1"');
    const value = Buffer.concat([
      Buffer.from(`${head}"p`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(`"${tail}`),
    ]);
    const decoded = decodeEvent({ ...record, value }, ["loginguard.login.attempted.v1"]);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.message).toMatch(/accountId: must be valid UTF-8/);
  });
});
