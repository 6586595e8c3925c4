import { describe, expect, it } from "vitest";
import { isCanonicalUtc, parseRfc3339 } from "./rfc3339";

describe("parseRfc3339", () => {
  it("reads offsets, fractions and either case of T and Z", () => {
    expect(parseRfc3339("2026-05-01T12:00:00Z")).toBe(Date.UTC(2026, 4, 1, 12));
    expect(parseRfc3339("2026-05-01t21:00:00.250+09:00")).toBe(Date.UTC(2026, 4, 1, 12, 0, 0, 250));
    expect(parseRfc3339("2026-05-01T07:30:00.123456789-04:30")).toBe(Date.UTC(2026, 4, 1, 12, 0, 0, 123));
    expect(parseRfc3339("2024-02-29T00:00:00z")).toBe(Date.UTC(2024, 1, 29));
  });

  it("refuses days that do not exist and text that is not RFC 3339", () => {
    for (const text of [
      "2026-02-29T00:00:00Z",
      "2026-02-30T00:00:00Z",
      "2026-04-31T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-05-01T24:00:00Z",
      "2026-05-01T12:00Z",
      "2026-05-01T12:00:00",
      "2026-05-01 12:00:00Z",
      "2026-05-01T12:00:00+25:00",
      "1714564800",
      "May 1, 2026",
    ]) {
      expect(parseRfc3339(text), text).toBeNull();
    }
  });
});

describe("isCanonicalUtc", () => {
  it("recognises what toISOString writes", () => {
    expect(isCanonicalUtc(new Date().toISOString())).toBe(true);
    expect(isCanonicalUtc("2026-05-01T12:00:00Z")).toBe(false);
    expect(isCanonicalUtc("2026-05-01T12:00:00.000+00:00")).toBe(false);
  });
});

describe("parseRfc3339 against Date.parse", () => {
  it("agrees on every valid form it accepts", () => {
    for (const text of [
      "2026-05-01T12:00:00.5Z",
      "2026-05-01T12:00:00.05Z",
      "2026-12-31T23:59:59.999-12:00",
      "1999-01-01T00:00:00+14:00",
      "2024-02-29T12:00:00.123Z",
    ]) {
      expect(parseRfc3339(text), text).toBe(Date.parse(text));
    }
    expect(parseRfc3339("2026-05-01T12:00:00.Z")).toBeNull();
    expect(parseRfc3339("2026-05-01T12:00:00.1234567890Z")).toBeNull();
    expect(parseRfc3339("2026-05-01T12:00:00Zjunk")).toBeNull();
    expect(parseRfc3339("0999-05-01T12:00:00Z")).toBeNull();
  });
});
