import type { SqlClient } from "@loginguard/db";
import { type HistoryContext, HistoryContextSchema } from "@loginguard/events";

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

/** "s is before n": earlier occurredAt, then lower eventId, so equal timestamps have an order too. */
const BEFORE =
  "(s.occurred_at < n.occurred_at OR (s.occurred_at = n.occurred_at AND s.event_id < n.event_id))";
/** "s is before n, or is n". */
const UP_TO =
  "(s.occurred_at < n.occurred_at OR (s.occurred_at = n.occurred_at AND s.event_id <= n.event_id))";

/**
 * One statement for a whole chunk: each login's context from the lines stored before it, each part
 * an index range scan (see the indexes in migrations.ts). The chunk's own lines are already
 * inserted in the same transaction, so logins of one account inside a chunk see each other.
 */
const CONTEXT_SQL = `
SELECT n.event_id,
       p.event_id    AS prev_event_id,
       p.country     AS prev_country,
       p.occurred_at AS prev_occurred_at,
       coalesce(cs.countries, ARRAY[]::text[]) AS countries,
       f.n           AS recent_failures,
       ipf.n         AS ip_failed_accounts
FROM logger.logins n
LEFT JOIN LATERAL (
  SELECT s.event_id, s.country, s.occurred_at FROM logger.logins s
  WHERE s.account_id = n.account_id AND s.result = 'success' AND ${BEFORE}
  ORDER BY s.occurred_at DESC, s.event_id DESC
  LIMIT 1
) p ON true
CROSS JOIN LATERAL (
  SELECT array_agg(DISTINCT s.country ORDER BY s.country) AS countries FROM logger.logins s
  WHERE s.account_id = n.account_id AND s.result = 'success' AND s.country IS NOT NULL
    AND s.occurred_at >= n.occurred_at - make_interval(days => $2::int) AND ${BEFORE}
) cs
CROSS JOIN LATERAL (
  SELECT count(*) AS n FROM (
    SELECT 1 FROM logger.logins s
    WHERE s.account_id = n.account_id AND s.result = 'failure'
      AND s.occurred_at >= n.occurred_at - make_interval(mins => $3::int) AND ${UP_TO}
    LIMIT $4::int
  ) x
) f
CROSS JOIN LATERAL (
  SELECT count(DISTINCT x.account_id) AS n FROM (
    SELECT s.account_id FROM logger.logins s
    WHERE s.ip = n.ip AND s.result = 'failure'
      AND s.occurred_at >= n.occurred_at - make_interval(mins => $3::int) AND ${UP_TO}
    ORDER BY s.occurred_at DESC
    LIMIT $4::int
  ) x
) ipf
WHERE n.event_id = ANY($1::text[])`;

interface ContextRow {
  event_id: string;
  prev_event_id: string | null;
  prev_country: string | null;
  prev_occurred_at: Date | null;
  countries: string[];
  recent_failures: number;
  ip_failed_accounts: number;
}

/**
 * The history context of stored login lines (DESIGN.md section 2, `login.recorded`):
 * - `previousSuccess`: the account's last successful login before this one (any age);
 * - `countriesSeen`: countries of the account's successful logins in the last `historyWindowDays`
 *   before this one (the window's start included), this login excluded;
 * - `recentFailures`: the account's failed logins in the last `failureWindowMinutes`, this one
 *   included;
 * - `ipFailedAccounts`: distinct accounts this IP failed on in the same window, this login included.
 * "Before" means an earlier occurredAt, or the same one and a lower eventId.
 */
export async function computeHistoryContexts(
  sql: SqlClient,
  eventIds: string[],
  windows: ContextWindows,
): Promise<Map<string, HistoryContext>> {
  const contexts = new Map<string, HistoryContext>();
  if (eventIds.length === 0) return contexts;
  const { rows } = await sql.query<ContextRow>(CONTEXT_SQL, [
    eventIds,
    windows.historyWindowDays,
    windows.failureWindowMinutes,
    FAILURE_COUNT_CAP,
  ]);
  for (const row of rows) {
    contexts.set(
      row.event_id,
      HistoryContextSchema.parse({
        previousSuccess:
          row.prev_event_id && row.prev_occurred_at
            ? {
                eventId: row.prev_event_id,
                country: row.prev_country,
                occurredAt: row.prev_occurred_at.toISOString(),
              }
            : null,
        countriesSeen: row.countries,
        windowDays: windows.historyWindowDays,
        recentFailures: Number(row.recent_failures),
        failureWindowMinutes: windows.failureWindowMinutes,
        ipFailedAccounts: Number(row.ip_failed_accounts),
      }),
    );
  }
  return contexts;
}
