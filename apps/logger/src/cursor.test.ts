import { HttpProblem } from "@loginguard/http";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, parseLimit } from "./cursor";

describe("history cursor", () => {
  it("round-trips occurredAt and eventId as opaque URL-safe text", () => {
    const cursor = { occurredAt: Date.parse("2026-03-01T12:00:00.123Z"), eventId: "id/with+odd=chars 한글" };
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it("rejects anything it did not give out with a 400", () => {
    const bad = [
      "",
      "%%%",
      Buffer.from("not json").toString("base64url"),
      Buffer.from("[1]").toString("base64url"),
      Buffer.from('["1", "a"]').toString("base64url"),
      Buffer.from('[1.5, "a"]').toString("base64url"),
      Buffer.from('[1, ""]').toString("base64url"),
      Buffer.from(`[1, "${"a".repeat(129)}"]`).toString("base64url"),
      Buffer.from('{"occurredAt":1,"eventId":"a"}').toString("base64url"),
      "A".repeat(2000),
    ];
    for (const text of bad) {
      let error: unknown;
      try {
        decodeCursor(text);
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(HttpProblem);
      expect((error as HttpProblem).status).toBe(400);
    }
  });
});

describe("page limit", () => {
  it("defaults to 20 and accepts 1 to 100", () => {
    expect(parseLimit(undefined)).toBe(20);
    expect(parseLimit("")).toBe(20);
    expect(parseLimit("1")).toBe(1);
    expect(parseLimit("100")).toBe(100);
  });

  it("rejects anything else", () => {
    for (const text of ["0", "101", "-1", "1.5", "abc", "1e2", " 5", "99999"]) {
      expect(() => parseLimit(text), text).toThrow(HttpProblem);
    }
  });
});
