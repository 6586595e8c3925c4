import type { SqlClient } from "@loginguard/db";
import { type HistoryContext, HistoryContextSchema } from "@loginguard/events";
import type { NewLoginRow } from "./login-row";

/** Windows of the history context (HISTORY_WINDOW_DAYS, FAILURE_WINDOW_MINUTES). */
export interface ContextWindows {
  historyWindowDays: number;
  failureWindowMinutes: number;
}

/**
 * Failure counts stop at this many rows scanned, so one IP failing on thousands of accounts costs
 * a bounded amount per login; any rule threshold is far below it.
 */
export const FAILURE_COUNT_CAP = 1000;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** What the stored lines say about one login of the chunk. */
export interface StoredPart {
  previousSuccess: { eventId: string; country: string | null; occurredAt: string } | null;
  countries: string[];
  failures: number;
  /** Distinct accounts the IP failed on: stored lines and the given chunk accounts together. */
  ipFailedAccounts: number;
  /** Stored successful logins in the window with a device: how many, and whether one was this login's. */
  devices: { withDevice: number; seen: boolean };
}

/** "s is before n": earlier occurredAt, then lower eventId, so equal timestamps have an order too. */
const BEFORE =
  "(s.occurred_at < n.occurred_at OR (s.occurred_at = n.occurred_at AND s.event_id < n.event_id))";

/**
 * One statement for a whole chunk: for each login not stored yet (passed as arrays), what the
 * stored lines before it say, each part an index range scan (see the indexes in migrations.ts).
 * The IP part also counts the chunk's own accounts (`$5`), so distinct accounts are counted once.
 */
const STORED_PART_SQL = `
WITH n AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::jsonb[], $9::text[])
    WITH ORDINALITY AS n(event_id, account_id, occurred_at, ip, chunk_accounts, device_id, ord)
)
SELECT n.ord,
       p.event_id    AS prev_event_id,
       p.country     AS prev_country,
       p.occurred_at AS prev_occurred_at,
       coalesce(cs.countries, ARRAY[]::text[]) AS countries,
       cs.with_device,
       coalesce(cs.device_seen, false) AS device_seen,
       f.n           AS failures,
       ipf.n         AS ip_failed_accounts
FROM n
LEFT JOIN LATERAL (
  SELECT s.event_id, s.country, s.occurred_at FROM logger.logins s
  WHERE s.account_id = n.account_id AND s.result = 'success' AND ${BEFORE}
  ORDER BY s.occurred_at DESC, s.event_id DESC
  LIMIT 1
) p ON true
CROSS JOIN LATERAL (
  SELECT array_agg(DISTINCT s.country) FILTER (WHERE s.country IS NOT NULL) AS countries,
         count(s.device_id) AS with_device,
         bool_or(s.device_id = n.device_id) AS device_seen
  FROM logger.logins s
  WHERE s.account_id = n.account_id AND s.result = 'success'
    AND s.occurred_at >= n.occurred_at - make_interval(days => $6::int) AND ${BEFORE}
) cs
CROSS JOIN LATERAL (
  SELECT count(*) AS n FROM (
    SELECT 1 FROM logger.logins s
    WHERE s.account_id = n.account_id AND s.result = 'failure'
      AND s.occurred_at >= n.occurred_at - make_interval(mins => $7::int) AND ${BEFORE}
    LIMIT $8::int
  ) x
) f
CROSS JOIN LATERAL (
  SELECT count(*) AS n FROM (
    SELECT x.account_id FROM (
      SELECT s.account_id FROM logger.logins s
      WHERE s.ip = n.ip AND s.result = 'failure'
        AND s.occurred_at >= n.occurred_at - make_interval(mins => $7::int) AND ${BEFORE}
      ORDER BY s.occurred_at DESC
      LIMIT $8::int
    ) x
    UNION
    SELECT jsonb_array_elements_text(n.chunk_accounts)
  ) y
) ipf`;

interface StoredPartRow {
  ord: number | bigint;
  prev_event_id: string | null;
  prev_country: string | null;
  prev_occurred_at: Date | null;
  countries: string[];
  with_device: number | string | null;
  device_seen: boolean;
  failures: number;
  ip_failed_accounts: number;
}

/**
 * The history context of logins about to be recorded together (docs/ARCHITECTURE.md section 2,
 * `login.recorded`), from the stored lines plus the other logins of the chunk:
 * - `previousSuccess`: the account's last successful login before this one (any age);
 * - `countriesSeen`: countries of the account's successful logins in the last `historyWindowDays`
 *   before this one (the window's first instant included), this login excluded;
 * - `recentFailures`: the account's failed logins in the last `failureWindowMinutes`, this one
 *   included;
 * - `ipFailedAccounts`: distinct accounts this IP failed on in the same window, this login included;
 * - `deviceSeen`: whether this login's device was on a successful login of the account in the
 *   history window before it (null when unknown: no device on this login, or none before).
 * "Before" means an earlier occurredAt, or the same one and a lower eventId, so a chunk gives the
 * same contexts whatever its order. `rows` must have distinct eventIds and not be stored yet.
 * Two statements' worth of work whatever the chunk size: one query, then a merge in memory.
 */
export async function computeHistoryContexts(
  sql: SqlClient,
  rows: NewLoginRow[],
  windows: ContextWindows,
): Promise<HistoryContext[]> {
  if (rows.length === 0) return [];
  const chunk = chunkFacts(rows, windows);
  const { rows: stored } = await sql.query<StoredPartRow>(STORED_PART_SQL, [
    rows.map((r) => r.eventId),
    rows.map((r) => r.accountId),
    rows.map((r) => r.occurredAt),
    rows.map((r) => r.ip),
    chunk.map((c) => JSON.stringify(c.ipAccounts)),
    windows.historyWindowDays,
    windows.failureWindowMinutes,
    FAILURE_COUNT_CAP,
    rows.map((r) => r.deviceId),
  ]);
  const parts: StoredPart[] = new Array(rows.length);
  for (const row of stored) {
    parts[Number(row.ord) - 1] = {
      previousSuccess:
        row.prev_event_id && row.prev_occurred_at
          ? {
              eventId: row.prev_event_id,
              country: row.prev_country,
              occurredAt: row.prev_occurred_at.toISOString(),
            }
          : null,
      countries: row.countries,
      failures: Number(row.failures),
      ipFailedAccounts: Number(row.ip_failed_accounts),
      devices: { withDevice: Number(row.with_device ?? 0), seen: row.device_seen === true },
    };
  }
  return rows.map((row, i) => mergeContext(parts[i]!, chunk[i]!, windows, row.deviceId));
}

/** What the other logins of the chunk add to one login's context. */
export interface ChunkFacts {
  previousSuccess: { eventId: string; country: string | null; occurredAt: string } | null;
  countries: string[];
  /** This login included when it failed. */
  failures: number;
  /** Accounts failing on this login's IP in the window, this login's included when it failed. */
  ipAccounts: string[];
  /** Earlier successful logins of the chunk in the window with a device, and whether one was this login's. */
  devices: { withDevice: number; seen: boolean };
}

/** For each row, what the other rows before it (and itself, for failures) contribute. */
export function chunkFacts(rows: NewLoginRow[], windows: ContextWindows): ChunkFacts[] {
  const times = rows.map((r) => Date.parse(r.occurredAt));
  const upTo = (j: number, i: number) =>
    times[j]! < times[i]! || (times[j] === times[i] && compareIds(rows[j]!.eventId, rows[i]!.eventId) <= 0);
  const byAccount = groupIndexes(rows, (r) => r.accountId);
  const failuresByIp = groupIndexes(rows, (r) => (r.result === "failure" ? r.ip : undefined));
  return rows.map((row, i) => {
    const t = times[i]!;
    const historyStart = t - windows.historyWindowDays * DAY_MS;
    const failureStart = t - windows.failureWindowMinutes * MINUTE_MS;
    let previous: number | undefined;
    const countries = new Set<string>();
    let failures = 0;
    const devices = { withDevice: 0, seen: false };
    for (const j of byAccount.get(row.accountId) ?? []) {
      const other = rows[j]!;
      if (j !== i && upTo(j, i) && other.result === "success") {
        if (previous === undefined || upTo(previous, j)) previous = j;
        if (other.country && times[j]! >= historyStart) countries.add(other.country);
        if (other.deviceId !== null && times[j]! >= historyStart) {
          devices.withDevice += 1;
          if (other.deviceId === row.deviceId) devices.seen = true;
        }
      }
      if (upTo(j, i) && other.result === "failure" && times[j]! >= failureStart) failures += 1;
    }
    const ipAccounts = new Set<string>();
    for (const j of failuresByIp.get(row.ip) ?? []) {
      if (upTo(j, i) && times[j]! >= failureStart) ipAccounts.add(rows[j]!.accountId);
    }
    const prev = previous === undefined ? undefined : rows[previous]!;
    return {
      previousSuccess: prev
        ? { eventId: prev.eventId, country: prev.country, occurredAt: prev.occurredAt }
        : null,
      countries: [...countries].sort(),
      failures,
      ipAccounts: [...ipAccounts].sort(),
      devices,
    };
  });
}

/** The context of one login from what the stored lines and the chunk say. */
export function mergeContext(
  stored: StoredPart,
  chunk: ChunkFacts,
  windows: ContextWindows,
  deviceId: string | null = null,
): HistoryContext {
  const withDevice = (stored.devices?.withDevice ?? 0) + (chunk.devices?.withDevice ?? 0);
  const deviceSeen =
    deviceId === null || withDevice === 0
      ? null
      : (stored.devices?.seen ?? false) || (chunk.devices?.seen ?? false);
  const candidates = [stored.previousSuccess, chunk.previousSuccess].filter((p) => p !== null);
  const previousSuccess = candidates.reduce<(typeof candidates)[number] | null>(
    (best, p) => (best === null || isLater(p, best) ? p : best),
    null,
  );
  return HistoryContextSchema.parse({
    previousSuccess,
    countriesSeen: [...new Set([...stored.countries, ...chunk.countries])].sort(),
    windowDays: windows.historyWindowDays,
    recentFailures: Math.min(FAILURE_COUNT_CAP, stored.failures + chunk.failures),
    failureWindowMinutes: windows.failureWindowMinutes,
    ipFailedAccounts: Math.min(FAILURE_COUNT_CAP, stored.ipFailedAccounts),
    deviceSeen,
  } satisfies HistoryContext);
}

function isLater(
  a: { eventId: string; occurredAt: string },
  b: { eventId: string; occurredAt: string },
): boolean {
  const ta = Date.parse(a.occurredAt);
  const tb = Date.parse(b.occurredAt);
  return ta > tb || (ta === tb && compareIds(a.eventId, b.eventId) > 0);
}

/** Byte order of the UTF-8 text, as PostgreSQL compares ids under COLLATE "C". */
export function compareIds(a: string, b: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  if (/^[\x00-\x7f]*$/.test(a) && /^[\x00-\x7f]*$/.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function groupIndexes<T>(items: T[], keyOf: (item: T) => string | undefined): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  });
  return groups;
}
