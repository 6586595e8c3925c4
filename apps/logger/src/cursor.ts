import { problems } from "@loginguard/http";

/** A position in a history listed newest first: the last line shown. */
export interface HistoryCursor {
  /** occurredAt of the last line shown, epoch milliseconds (lines are stored to the millisecond). */
  occurredAt: number;
  eventId: string;
}

/** Opaque cursor text: base64url of `[occurredAtMs, eventId]`. */
export function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.occurredAt, cursor.eventId])).toString("base64url");
}

/** The cursor in `text`; a 400 problem when it is not one this API gave out. */
export function decodeCursor(text: string): HistoryCursor {
  const invalid = () => problems.badRequest("The cursor is invalid; use nextCursor from the previous page");
  if (text.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || value.length !== 2) throw invalid();
  const [occurredAt, eventId] = value as [unknown, unknown];
  if (
    typeof occurredAt !== "number" ||
    !Number.isSafeInteger(occurredAt) ||
    Number.isNaN(new Date(occurredAt).getTime()) ||
    typeof eventId !== "string" ||
    eventId.length === 0 ||
    eventId.length > 128
  ) {
    throw invalid();
  }
  return { occurredAt, eventId };
}

/** Default and largest page sizes (docs/ARCHITECTURE.md section 6). */
export const PAGE_LIMITS = { default: 20, max: 100 } as const;

/** The `limit` query parameter: default 20, an integer 1..100, else a 400 problem. */
export function parseLimit(text: string | undefined): number {
  if (text === undefined || text === "") return PAGE_LIMITS.default;
  const n = /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > PAGE_LIMITS.max) {
    throw problems.badRequest(`limit must be an integer from 1 to ${PAGE_LIMITS.max}`);
  }
  return n;
}
