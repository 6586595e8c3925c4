import type { WireRecord } from "@loginguard/events";

/**
 * The binary form of a chunk: the records one transaction appended to one partition, stored as
 * one row (like a Kafka record batch), so PGlite handles a row per partition per transaction
 * instead of a row per record.
 *
 * Layout (v1): a format byte, then per record
 * `varint(keyLength + 1 | 0 for null) key`, `varint(headerCount)`, per header
 * `name (varint(length << 1) bytes | varint(index << 1 | 1) for a well-known name)`
 * `varint(length) value`, then `varint(valueLength + 1 | 0 for null) value`. Strings are UTF-8.
 */
export const CHUNK_FORMAT_V1 = 1;

/** Header names that appear on almost every record (CloudEvents binary mode); stored as one byte. */
const WELL_KNOWN_HEADERS = [
  "ce_specversion",
  "ce_id",
  "ce_source",
  "ce_type",
  "ce_time",
  "ce_subject",
  "ce_correlationid",
  "content-type",
] as const;

const WELL_KNOWN_INDEX = new Map<string, number>(WELL_KNOWN_HEADERS.map((name, i) => [name, i]));

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/** Bytes a record takes in a chunk (also its size for limits). */
export function encodedSize(record: WireRecord): number {
  let size = 0;
  if (record.key === null) size += 1;
  else {
    const n = Buffer.byteLength(record.key, "utf8");
    size += varintSize(n + 1) + n;
  }
  let headerCount = 0;
  for (const name of Object.keys(record.headers)) {
    const value = record.headers[name]!;
    headerCount++;
    if (WELL_KNOWN_INDEX.has(name)) size += 1;
    else {
      const n = Buffer.byteLength(name, "utf8");
      size += varintSize(n * 2) + n;
    }
    const v = Buffer.byteLength(value, "utf8");
    size += varintSize(v) + v;
  }
  size += varintSize(headerCount);
  if (record.value === null) size += 1;
  else size += varintSize(record.value.length + 1) + record.value.length;
  return size;
}

/**
 * Encodes records into one chunk; `size` is the sum of their {@link encodedSize}s. When `values`
 * is given, it receives each record's value as a view into the chunk (a copy the caller owns).
 */
export function encodeChunk(
  records: readonly WireRecord[],
  size: number,
  values?: Array<Buffer | null>,
): Buffer {
  const buf = Buffer.allocUnsafe(size + 1);
  buf[0] = CHUNK_FORMAT_V1;
  let pos = 1;
  for (const record of records) {
    if (record.key === null) buf[pos++] = 0;
    else {
      const n = Buffer.byteLength(record.key, "utf8");
      pos = writeVarint(buf, pos, n + 1);
      pos += buf.write(record.key, pos, "utf8");
    }
    const names = Object.keys(record.headers);
    pos = writeVarint(buf, pos, names.length);
    for (const name of names) {
      const known = WELL_KNOWN_INDEX.get(name);
      if (known !== undefined) buf[pos++] = (known << 1) | 1;
      else {
        pos = writeVarint(buf, pos, Buffer.byteLength(name, "utf8") * 2);
        pos += buf.write(name, pos, "utf8");
      }
      const value = record.headers[name]!;
      pos = writeVarint(buf, pos, Buffer.byteLength(value, "utf8"));
      pos += buf.write(value, pos, "utf8");
    }
    if (record.value === null) {
      buf[pos++] = 0;
      values?.push(null);
    } else {
      pos = writeVarint(buf, pos, record.value.length + 1);
      const start = pos;
      pos += record.value.copy(buf, pos);
      values?.push(buf.subarray(start, pos));
    }
  }
  if (pos !== buf.length) throw new Error(`chunk encoding wrote ${pos} bytes, expected ${buf.length}`);
  return buf;
}

/** Thrown for a chunk that does not parse: the log is damaged or written by a newer version. */
export class ChunkFormatError extends Error {
  override readonly name = "ChunkFormatError";
}

/**
 * Decodes a chunk into wire records, in order. Values are views into `buf` (no copy). Throws
 * {@link ChunkFormatError} when the bytes do not hold exactly `count` records.
 */
export function decodeChunk(buf: Buffer, count: number): WireRecord[] {
  if (buf[0] !== CHUNK_FORMAT_V1) throw new ChunkFormatError(`unknown chunk format ${buf[0]}`);
  let pos = 1;
  const end = buf.length;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (pos >= end) throw new ChunkFormatError("chunk ends inside a length");
      const byte = buf[pos++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
  };
  const text = (length: number): string => {
    if (pos + length > end) throw new ChunkFormatError("chunk ends inside a string");
    const s = buf.toString("utf8", pos, pos + length);
    pos += length;
    return s;
  };
  const records: WireRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const keyLength = varint();
    const key = keyLength === 0 ? null : text(keyLength - 1);
    const headerCount = varint();
    const headers: Record<string, string> = {};
    for (let h = 0; h < headerCount; h++) {
      const ref = varint();
      let name: string;
      if (ref & 1) {
        const known = WELL_KNOWN_HEADERS[ref >> 1];
        if (known === undefined) throw new ChunkFormatError(`unknown header reference ${ref >> 1}`);
        name = known;
      } else name = text(ref >> 1);
      headers[name] = text(varint());
    }
    const valueLength = varint();
    let value: Buffer | null = null;
    if (valueLength > 0) {
      if (pos + valueLength - 1 > end) throw new ChunkFormatError("chunk ends inside a value");
      value = buf.subarray(pos, pos + valueLength - 1);
      pos += valueLength - 1;
    }
    records[i] = { key, value, headers };
  }
  if (pos !== end) throw new ChunkFormatError(`chunk has ${end - pos} bytes after ${count} records`);
  return records;
}
