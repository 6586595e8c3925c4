import { type LoginGuardError, permanentError } from "@loginguard/errors";
import {
  type CloudEvent,
  EVENT_SCHEMAS,
  type EventType,
  isKnownEventType,
  type LoginGuardEvent,
} from "./types";

/** A record as any Kafka client sees it: key, value bytes and string headers. */
export interface WireRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export const CE_HEADERS = {
  specversion: "ce_specversion",
  id: "ce_id",
  source: "ce_source",
  type: "ce_type",
  time: "ce_time",
  subject: "ce_subject",
  correlationId: "ce_correlationid",
  traceparent: "ce_traceparent",
} as const;

/**
 * CloudEvents 1.0 Kafka protocol binding, binary content mode: attributes in `ce_` headers,
 * `data` as the JSON value, the subject (accountId) as the record key.
 */
export function encodeEvent(event: CloudEvent): WireRecord {
  return {
    key: event.subject,
    value: Buffer.from(JSON.stringify(event.data)),
    headers: {
      [CE_HEADERS.specversion]: "1.0",
      [CE_HEADERS.id]: event.id,
      [CE_HEADERS.source]: event.source,
      [CE_HEADERS.type]: event.type,
      [CE_HEADERS.time]: event.time,
      [CE_HEADERS.subject]: event.subject,
      [CE_HEADERS.correlationId]: event.correlationId,
      "content-type": "application/json",
      ...(event.traceparent ? { [CE_HEADERS.traceparent]: event.traceparent } : {}),
    },
  };
}

export type DecodeResult<E> = { ok: true; event: E } | { ok: false; error: LoginGuardError };

/**
 * Reads the CloudEvent attributes and JSON data of a record without checking the data's schema
 * (the relay passes on events of any type). Never throws: a bad record is an error value.
 */
export function decodeEnvelope(record: WireRecord): DecodeResult<CloudEvent> {
  const h = record.headers;
  const fail = (message: string, code: string) =>
    ({ ok: false, error: permanentError(message, code, { ceId: h[CE_HEADERS.id] ?? null }) }) as const;
  if (h[CE_HEADERS.specversion] !== "1.0") return fail("ce_specversion must be 1.0", "invalid_envelope");
  const id = h[CE_HEADERS.id];
  const type = h[CE_HEADERS.type];
  const source = h[CE_HEADERS.source];
  if (!id || !type || !source) return fail("ce_id, ce_type and ce_source are required", "invalid_envelope");
  const contentType = h["content-type"];
  if (contentType !== undefined && !contentType.startsWith("application/json")) {
    return fail(`content-type ${contentType} is not application/json`, "invalid_envelope");
  }
  if (!record.value) return fail("the record has no value", "invalid_json");
  let data: unknown;
  try {
    data = JSON.parse(record.value.toString("utf8"));
  } catch {
    return fail("the value is not valid JSON", "invalid_json");
  }
  const subject = record.key ?? h[CE_HEADERS.subject] ?? "";
  return {
    ok: true,
    event: {
      id,
      type,
      source,
      time: h[CE_HEADERS.time] ?? new Date(0).toISOString(),
      subject,
      correlationId: h[CE_HEADERS.correlationId] ?? id,
      ...(h[CE_HEADERS.traceparent] ? { traceparent: h[CE_HEADERS.traceparent] } : {}),
      data,
    },
  };
}

/**
 * Decodes and validates a loginguard event. A type outside `accepts` (an unknown version among
 * them) or data that fails the schema is an error value the runtime dead-letters.
 */
export function decodeEvent<T extends EventType>(
  record: WireRecord,
  accepts: readonly T[],
): DecodeResult<LoginGuardEvent<T>> {
  const envelope = decodeEnvelope(record);
  if (!envelope.ok) return envelope;
  const { type } = envelope.event;
  if (!isKnownEventType(type) || !(accepts as readonly string[]).includes(type)) {
    return {
      ok: false,
      error: permanentError(
        `unsupported event type ${type}; this consumer accepts ${accepts.join(", ")}`,
        "unsupported_event_type",
        {
          ceId: envelope.event.id,
          type,
        },
      ),
    };
  }
  const parsed = EVENT_SCHEMAS[type].safeParse(envelope.event.data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    return {
      ok: false,
      error: permanentError(`invalid ${type}: ${issues}`, "invalid_event", { ceId: envelope.event.id, type }),
    };
  }
  return { ok: true, event: { ...envelope.event, type, data: parsed.data } as LoginGuardEvent<T> };
}

/** Builds an output event that keeps the input's correlation id and derives nothing else. */
export function makeEvent<T extends EventType>(fields: {
  id: string;
  type: T;
  source: string;
  subject: string;
  correlationId: string;
  data: LoginGuardEvent<T>["data"];
  time?: string;
}): LoginGuardEvent<T> {
  return { time: new Date().toISOString(), ...fields } as LoginGuardEvent<T>;
}
