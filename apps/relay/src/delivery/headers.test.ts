import { describe, expect, it } from "vitest";
import { cloudEventRequestHeaders, decodeHeaderValue, encodeHeaderValue } from "./headers";

describe("CloudEvents HTTP header values", () => {
  it("percent-encodes space, quote, percent and non-ASCII as UTF-8, and decodes back", () => {
    expect(encodeHeaderValue("acc-1")).toBe("acc-1");
    expect(encodeHeaderValue('a b"c%')).toBe("a%20b%22c%25");
    expect(encodeHeaderValue("플레이어")).toBe("%ED%94%8C%EB%A0%88%EC%9D%B4%EC%96%B4");
    for (const s of ["플레이어 1", 'x"%y', "\u0001tab\t", "😀"])
      expect(decodeHeaderValue(encodeHeaderValue(s))).toBe(s);
    expect(decodeHeaderValue("%E0%A4%A")).toBe("%E0%A4%A");
  });

  it("carries every attribute in binary mode with the idempotency key", () => {
    const headers = cloudEventRequestHeaders({
      id: "id-1",
      type: "loginguard.login.attempted.v1",
      source: "loginguard/ingest",
      time: "2026-01-01T00:00:00.000Z",
      subject: "계정",
      correlationId: "corr-1",
      data: {},
    });
    expect(headers).toEqual({
      "ce-specversion": "1.0",
      "ce-id": "id-1",
      "ce-source": "loginguard/ingest",
      "ce-type": "loginguard.login.attempted.v1",
      "ce-time": "2026-01-01T00:00:00.000Z",
      "ce-subject": "%EA%B3%84%EC%A0%95",
      "ce-correlationid": "corr-1",
      "content-type": "application/json",
      "idempotency-key": "id-1",
    });
  });
});
