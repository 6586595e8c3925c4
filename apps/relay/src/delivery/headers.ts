import type { CloudEvent } from "@loginguard/events";

/**
 * A CloudEvents attribute as an HTTP header value (HTTP protocol binding 1.0, section 3.1.3.2):
 * printable ASCII stays, while space, `"`, `%` and everything outside U+0021..U+007E are
 * percent-encoded as UTF-8, so an accountId in any script survives the trip.
 */
export function encodeHeaderValue(value: string): string {
  let out = "";
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp > 0x20 && cp < 0x7f && ch !== '"' && ch !== "%") {
      out += ch;
    } else {
      for (const byte of Buffer.from(ch, "utf8"))
        out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return out;
}

/** The reverse of {@link encodeHeaderValue}; a malformed escape is kept as it is. */
export function decodeHeaderValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The request headers of one delivery: the event's attributes as `ce-*` headers (binary content
 * mode), the JSON content type, and `idempotency-key: <ce-id>` so an endpoint that sees the same
 * event twice (at-least-once delivery) can tell.
 */
export function cloudEventRequestHeaders(event: CloudEvent): Record<string, string> {
  const headers: Record<string, string> = {
    "ce-specversion": "1.0",
    "ce-id": encodeHeaderValue(event.id),
    "ce-source": encodeHeaderValue(event.source),
    "ce-type": encodeHeaderValue(event.type),
    "ce-time": encodeHeaderValue(event.time),
    "ce-correlationid": encodeHeaderValue(event.correlationId),
    "content-type": "application/json",
    "idempotency-key": encodeHeaderValue(event.id),
  };
  if (event.subject !== "") headers["ce-subject"] = encodeHeaderValue(event.subject);
  // Distributed tracing: the CloudEvents extension, and W3C's own header for HTTP servers.
  if (event.traceparent) {
    headers["ce-traceparent"] = encodeHeaderValue(event.traceparent);
    headers.traceparent = encodeHeaderValue(event.traceparent);
  }
  return headers;
}
