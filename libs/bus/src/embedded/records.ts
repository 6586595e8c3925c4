import { permanentError } from "@loginguard/errors";
import type { WireRecord } from "@loginguard/events";
import type { OutgoingRecord } from "../bus";
import { encodedSize } from "./codec";

/**
 * Checks one outgoing record and answers it as stored (key, value as a Buffer, headers) with its
 * encoded size. A malformed or oversized record is a permanent error: retrying cannot help.
 */
export function normalizeRecord(
  record: OutgoingRecord,
  maxRecordBytes: number,
): { wire: WireRecord; size: number } {
  const { topic } = record;
  const invalid = (why: string) =>
    permanentError(`record for topic ${topic}: ${why}`, "invalid_record", { topic });
  const key = record.key ?? null;
  if (key !== null && typeof key !== "string") throw invalid("key must be a string or null");
  let value: Buffer | null = null;
  const raw: unknown = record.value;
  if (raw !== null && raw !== undefined) {
    if (Buffer.isBuffer(raw)) value = raw;
    else if (raw instanceof Uint8Array) value = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    else throw invalid("value must be a Buffer or null");
  }
  const headers = record.headers ?? {};
  if (typeof headers !== "object") throw invalid("headers must be an object of strings");
  for (const name of Object.keys(headers)) {
    if (typeof headers[name] !== "string") throw invalid(`header ${name} must be a string`);
  }
  const wire: WireRecord = { key, value, headers };
  const size = encodedSize(wire);
  if (size > maxRecordBytes) {
    throw permanentError(
      `record for topic ${topic} is ${size} bytes, over the limit of ${maxRecordBytes}`,
      "record_too_large",
      { topic, size, limit: maxRecordBytes },
    );
  }
  return { wire, size };
}
