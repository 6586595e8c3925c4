import { createHash, randomBytes } from "node:crypto";

/** Formats 16 bytes as a UUID string with the given version nibble. */
function formatUuid(bytes: Buffer, version: number): string {
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | (version << 4);
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A new time-ordered id (UUIDv7): for events that have no input, such as a login without eventId. */
export function newEventId(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  return formatUuid(bytes, 7);
}

/**
 * The id of an output event, derived from the input's id, so a redelivered input yields the same
 * output id and downstream deduplication works (UUIDv8 from SHA-256 of stage, input id and part).
 */
export function deriveEventId(stage: string, inputId: string, part = ""): string {
  const digest = createHash("sha256").update(`${stage}\u0000${inputId}\u0000${part}`).digest();
  return formatUuid(digest.subarray(0, 16), 8);
}
