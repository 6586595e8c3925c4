import { permanentError } from "@loginguard/errors";
import { EVENT_SCHEMAS, isKnownEventType } from "@loginguard/events";
import { decodeHeaderValue } from "./headers";

/** What an endpoint answered in stream mode: the event to publish, minus what the relay sets. */
export interface Answer {
  type: string;
  /** The endpoint's `ce-source`; absent: the relay names itself. */
  source?: string;
  /** The endpoint's `ce-time`; absent: when the relay received the answer. */
  time?: string;
  data: unknown;
}

const TYPE = /^[A-Za-z0-9._:/-]{1,200}$/;

function bad(message: string): Error {
  return permanentError(
    `the endpoint's answer is not a CloudEvent the relay can publish: ${message}`,
    "endpoint_bad_answer",
  );
}

function checkTime(time: string | undefined): string | undefined {
  if (time === undefined) return undefined;
  if (Number.isNaN(Date.parse(time))) throw bad(`time ${JSON.stringify(time.slice(0, 40))} is not RFC 3339`);
  return time;
}

/**
 * Reads a 2xx answer with a body (docs/ARCHITECTURE.md section 8). Two CloudEvents HTTP formats:
 *
 * - binary mode: `content-type: application/json` and a `ce-type` header; the body is `data`;
 *   `ce-source` and `ce-time` are optional;
 * - structured mode: `content-type: application/cloudevents+json`; the body is
 *   `{"specversion": "1.0", "type": ..., "data": ...}` with optional `source` and `time`.
 *
 * The relay sets the id (derived from the route and input id), subject (the input's key) and
 * correlation id itself, so those are ignored. Data claiming a loginguard event type is checked
 * against that type's schema: an endpoint cannot publish a malformed loginguard event.
 */
export function parseAnswer(headers: Headers, body: string): Answer {
  const contentType = (headers.get("content-type") ?? "").toLowerCase();
  let answer: Answer;
  if (contentType.startsWith("application/cloudevents+json")) {
    answer = parseStructured(body);
  } else if (/^application\/([\w.+-]+\+)?json\b/.test(contentType)) {
    const type = headers.get("ce-type");
    if (!type) throw bad("a JSON answer needs a ce-type header (or send application/cloudevents+json)");
    const source = headers.get("ce-source");
    const time = headers.get("ce-time");
    answer = {
      type: decodeHeaderValue(type),
      data: parseJson(body),
      ...(source ? { source: decodeHeaderValue(source) } : {}),
      ...(time ? { time: decodeHeaderValue(time) } : {}),
    };
  } else {
    throw bad(
      `content-type ${JSON.stringify(contentType || "(none)")}; answer application/json with a ce-type header, or application/cloudevents+json`,
    );
  }
  if (!TYPE.test(answer.type))
    throw bad(`type ${JSON.stringify(answer.type.slice(0, 60))} is not a valid type`);
  checkTime(answer.time);
  if (answer.source !== undefined && answer.source.length === 0) delete answer.source;
  if (isKnownEventType(answer.type)) {
    const parsed = EVENT_SCHEMAS[answer.type].safeParse(answer.data);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ");
      throw bad(`data is not a valid ${answer.type}: ${issues}`);
    }
  }
  return answer;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw bad("the body is not valid JSON");
  }
}

function parseStructured(body: string): Answer {
  const value = parseJson(body);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw bad("a structured-mode body must be a JSON object");
  }
  const ce = value as Record<string, unknown>;
  if (ce.specversion !== undefined && ce.specversion !== "1.0") throw bad("specversion must be 1.0");
  if (typeof ce.type !== "string") throw bad("type is required");
  if (ce.data_base64 !== undefined) throw bad("data_base64 is not supported; send JSON data");
  if (ce.datacontenttype !== undefined && !/json/i.test(String(ce.datacontenttype))) {
    throw bad("datacontenttype must be JSON");
  }
  if (ce.source !== undefined && typeof ce.source !== "string") throw bad("source must be a string");
  if (ce.time !== undefined && typeof ce.time !== "string") throw bad("time must be a string");
  return {
    type: ce.type,
    data: ce.data ?? null,
    ...(typeof ce.source === "string" ? { source: ce.source } : {}),
    ...(typeof ce.time === "string" ? { time: ce.time } : {}),
  };
}
