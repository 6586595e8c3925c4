import type { SqlClient } from "@loginguard/db";
import type { BusRecord } from "../bus";
import { decodeChunk } from "./codec";
import type { PartitionLog } from "./partition-log";

interface ChunkRow {
  base_offset: number | bigint;
  last_offset: number | bigint;
  append_ts: number | bigint;
  /** bytea (binary chunks) or base64 text. */
  records: Uint8Array | string;
}

/** Base64 text unless binary: stock PGlite parses bytea results from hex with a JS loop per byte. */
function columns(binary: boolean): string {
  const records = binary ? "records" : "encode(records, 'base64') AS records";
  return `SELECT base_offset, last_offset, append_ts, ${records} FROM bus.chunks`;
}

function bytesOf(records: Uint8Array | string): Buffer {
  if (typeof records === "string") return Buffer.from(records, "base64");
  return Buffer.from(records.buffer, records.byteOffset, records.byteLength);
}

/**
 * Reads committed records of one partition from `from` on: the chunks that hold offsets
 * `from .. from + max - 1` (the last one may hold more, which the caller keeps for next time).
 * When retention has deleted `from`, the log continues at the first chunk that is left.
 */
export async function readChunks(
  sql: SqlClient,
  log: PartitionLog,
  from: number,
  max: number,
  binary: boolean,
): Promise<BusRecord[]> {
  const select = columns(binary);
  let { rows } = await sql.query<ChunkRow>(
    `${select} WHERE topic_id = $1 AND partition = $2 AND last_offset >= $3 AND base_offset < $4
     ORDER BY last_offset LIMIT 256`,
    [log.topicId, log.partition, from, from + max],
  );
  if (rows.length === 0) {
    ({ rows } = await sql.query<ChunkRow>(
      `${select} WHERE topic_id = $1 AND partition = $2 AND last_offset >= $3 ORDER BY last_offset LIMIT 1`,
      [log.topicId, log.partition, from],
    ));
  }
  const records: BusRecord[] = [];
  for (const row of rows) {
    const base = Number(row.base_offset);
    const count = Number(row.last_offset) - base + 1;
    const timestamp = Number(row.append_ts);
    const wire = decodeChunk(bytesOf(row.records), count);
    for (let i = Math.max(0, from - base); i < count; i++) {
      const r = wire[i]!;
      records.push({
        topic: log.topic,
        partition: log.partition,
        offset: String(base + i),
        timestamp,
        key: r.key,
        value: r.value,
        headers: r.headers,
      });
    }
  }
  return records;
}
