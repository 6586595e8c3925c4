import type { IHeaders, KafkaMessage, Message } from "kafkajs";
import type { BusRecord, OutgoingRecord } from "../bus";

/** Kafka headers (Buffer, string, or repeated) as strings; the last value of a repeated header wins. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    out[name] = typeof value === "string" ? value : value.toString("utf8");
  }
  return out;
}

/** A consumed kafkajs message as a Bus record. */
export function toBusRecord(topic: string, partition: number, message: KafkaMessage): BusRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key === null ? null : message.key.toString("utf8"),
    value: message.value,
    headers: headersToStrings(message.headers),
  };
}

/** A Bus record as a kafkajs message (headers as strings). */
export function toKafkaMessage(record: OutgoingRecord): Message {
  return { key: record.key, value: record.value, headers: { ...record.headers } };
}

/** Bytes a record takes on the wire, roughly: key, value and headers plus per-record overhead. */
export function recordSize(record: OutgoingRecord): number {
  let size = 32 + (record.key === null ? 0 : Buffer.byteLength(record.key)) + (record.value?.length ?? 0);
  for (const [name, value] of Object.entries(record.headers))
    size += 4 + Buffer.byteLength(name) + Buffer.byteLength(value);
  return size;
}
