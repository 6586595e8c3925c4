import { describe, expect, it } from "vitest";
import { parseAnswer } from "./answer";

const h = (headers: Record<string, string>) => new Headers(headers);

describe("parseAnswer", () => {
  it("reads binary mode: ce-type header, JSON body as data", () => {
    expect(
      parseAnswer(
        h({
          "content-type": "application/json; charset=utf-8",
          "ce-type": "campaign.prompted",
          "ce-source": "urn:x",
        }),
        '{"a":1}',
      ),
    ).toEqual({ type: "campaign.prompted", source: "urn:x", data: { a: 1 } });
  });

  it("reads structured mode and ignores the id and subject the endpoint sent", () => {
    const answer = parseAnswer(
      h({ "content-type": "application/cloudevents+json" }),
      JSON.stringify({
        specversion: "1.0",
        id: "theirs",
        type: "campaign.prompted",
        subject: "other",
        time: "2026-01-01T00:00:00Z",
        data: [1],
      }),
    );
    expect(answer).toEqual({ type: "campaign.prompted", time: "2026-01-01T00:00:00Z", data: [1] });
  });

  it("refuses answers the relay cannot publish, as permanent errors", () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ "content-type": "application/json" }, "{}", /needs a ce-type header/],
      [{ "content-type": "text/plain", "ce-type": "x" }, "hi", /content-type "text\/plain"/],
      [{ "content-type": "application/json", "ce-type": "x" }, "{not json", /not valid JSON/],
      [{ "content-type": "application/json", "ce-type": "has space" }, "{}", /not a valid type/],
      [{ "content-type": "application/json", "ce-type": "x", "ce-time": "yesterday" }, "{}", /not RFC 3339/],
      [{ "content-type": "application/cloudevents+json" }, '{"data":1}', /type is required/],
      [
        { "content-type": "application/cloudevents+json" },
        '{"type":"x","data_base64":"AA=="}',
        /data_base64/,
      ],
      [{ "content-type": "application/cloudevents+json" }, '{"type":"x","specversion":"0.3"}', /specversion/],
    ];
    for (const [headers, body, message] of cases) {
      let error: unknown;
      try {
        parseAnswer(h(headers), body);
      } catch (err) {
        error = err;
      }
      expect(error, body).toMatchObject({ code: "endpoint_bad_answer", retryable: false });
      expect(String((error as Error).message)).toMatch(message);
    }
  });

  it("checks data claiming a loginguard event type against its schema", () => {
    expect(() =>
      parseAnswer(
        h({ "content-type": "application/json", "ce-type": "loginguard.ip.flagged.v1" }),
        '{"ip":1}',
      ),
    ).toThrow(/not a valid loginguard\.ip\.flagged\.v1/);
    const valid = {
      ip: "203.0.113.9",
      failedAccounts: 12,
      flaggedAt: "2026-01-01T00:00:00Z",
      until: "2026-01-01T01:00:00Z",
    };
    expect(
      parseAnswer(
        h({ "content-type": "application/json", "ce-type": "loginguard.ip.flagged.v1" }),
        JSON.stringify(valid),
      ).data,
    ).toEqual(valid);
  });
});
