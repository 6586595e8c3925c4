import { describe, expect, it } from "vitest";
import {
  decodeEnvelope,
  decodeEvent,
  deriveEventId,
  EVENT_TYPES,
  encodeEvent,
  type LoginAttempted,
  makeEvent,
  newEventId,
  type WireRecord,
} from "../src/index";

const login: LoginAttempted = {
  eventId: "e-1",
  accountId: "acc-1",
  occurredAt: "2026-05-01T12:00:00.000Z",
  ip: "81.2.69.160",
  result: "success",
  receivedAt: "2026-05-01T12:00:00.100Z",
  source: "eu-login",
};

function attemptedEvent(data: LoginAttempted = login) {
  return makeEvent({
    id: "11111111-2222-7333-8444-555555555555",
    type: EVENT_TYPES.loginAttempted,
    source: "loginguard/ingest",
    subject: data.accountId,
    correlationId: "11111111-2222-7333-8444-555555555555",
    data,
    time: "2026-05-01T12:00:00.100Z",
  });
}

/** The record with one header changed (or removed when `value` is undefined). */
function withHeader(record: WireRecord, name: string, value: string | undefined): WireRecord {
  const headers = { ...record.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...record, headers };
}

describe("CloudEvents Kafka binding, binary mode", () => {
  it("puts the attributes in ce_ headers, the data as the JSON value and the accountId as the key", () => {
    const record = encodeEvent(attemptedEvent());
    expect(record.key).toBe("acc-1");
    expect(record.headers).toEqual({
      ce_specversion: "1.0",
      ce_id: "11111111-2222-7333-8444-555555555555",
      ce_source: "loginguard/ingest",
      ce_type: "loginguard.login.attempted.v1",
      ce_time: "2026-05-01T12:00:00.100Z",
      ce_subject: "acc-1",
      ce_correlationid: "11111111-2222-7333-8444-555555555555",
      "content-type": "application/json",
    });
    expect(JSON.parse(record.value?.toString("utf8") ?? "")).toEqual(login);
  });

  it("decodes what it encodes, validated against the type's schema", () => {
    const event = attemptedEvent();
    const decoded = decodeEvent(encodeEvent(event), [EVENT_TYPES.loginAttempted]);
    expect(decoded).toEqual({ ok: true, event });
  });

  it("reads a record another client wrote with a charset parameter and no subject header", () => {
    const record = withHeader(
      withHeader(encodeEvent(attemptedEvent()), "ce_subject", undefined),
      "content-type",
      "application/json; charset=utf-8",
    );
    const decoded = decodeEvent(record, [EVENT_TYPES.loginAttempted]);
    expect(decoded.ok && decoded.event.subject).toBe("acc-1");
  });

  it("takes the correlation id from the event id when the header is absent", () => {
    const record = withHeader(encodeEvent(attemptedEvent()), "ce_correlationid", undefined);
    const decoded = decodeEnvelope(record);
    expect(decoded.ok && decoded.event.correlationId).toBe("11111111-2222-7333-8444-555555555555");
  });
});

describe("records the codec refuses, as error values with a code", () => {
  const good = encodeEvent(attemptedEvent());
  const cases: [string, WireRecord, string, RegExp][] = [
    ["another specversion", withHeader(good, "ce_specversion", "0.3"), "invalid_envelope", /specversion/],
    ["no ce_id", withHeader(good, "ce_id", undefined), "invalid_envelope", /ce_id/],
    ["no ce_type", withHeader(good, "ce_type", undefined), "invalid_envelope", /ce_type/],
    ["no ce_source", withHeader(good, "ce_source", undefined), "invalid_envelope", /ce_source/],
    [
      "a content type that is not JSON",
      withHeader(good, "content-type", "text/plain"),
      "invalid_envelope",
      /text\/plain/,
    ],
    ["no value", { ...good, value: null }, "invalid_json", /no value/],
    ["truncated JSON", { ...good, value: Buffer.from('{"eventId":"e-1"') }, "invalid_json", /not valid JSON/],
    [
      "an unknown version of a known type",
      withHeader(good, "ce_type", "loginguard.login.attempted.v2"),
      "unsupported_event_type",
      /attempted\.v2/,
    ],
    [
      "a known type this consumer does not accept",
      withHeader(good, "ce_type", EVENT_TYPES.loginLocated),
      "unsupported_event_type",
      /accepts loginguard\.login\.attempted\.v1/,
    ],
    [
      "data that fails the schema, naming the field",
      { ...good, value: Buffer.from(JSON.stringify({ ...login, result: "maybe" })) },
      "invalid_event",
      /result/,
    ],
  ];

  it.each(cases)("%s", (_name, record, code, message) => {
    const decoded = decodeEvent(record, [EVENT_TYPES.loginAttempted]);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error.code).toBe(code);
    expect(decoded.error.retryable).toBe(false);
    expect(decoded.error.message).toMatch(message);
  });

  it("keeps the ce_id of a refused record in the error's context for the dead letter", () => {
    const decoded = decodeEvent(withHeader(good, "ce_type", "loginguard.login.attempted.v2"), [
      EVENT_TYPES.loginAttempted,
    ]);
    expect(!decoded.ok && decoded.error.context).toMatchObject({
      ceId: "11111111-2222-7333-8444-555555555555",
    });
  });
});

describe("event ids", () => {
  it("derives the same output id from the same input, and another from another stage or part", () => {
    const id = deriveEventId("ip-checker", "e-1");
    expect(deriveEventId("ip-checker", "e-1")).toBe(id);
    expect(deriveEventId("logger", "e-1")).not.toBe(id);
    expect(deriveEventId("ip-checker", "e-1", "email")).not.toBe(id);
    expect(deriveEventId("ip-checker", "e-2")).not.toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("makes new ids as UUIDv7 that sort by time", () => {
    const earlier = newEventId(Date.parse("2026-01-01T00:00:00Z"));
    const later = newEventId(Date.parse("2026-01-01T00:00:01Z"));
    expect(earlier).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(earlier < later).toBe(true);
    expect(newEventId()).not.toBe(newEventId());
  });
});
