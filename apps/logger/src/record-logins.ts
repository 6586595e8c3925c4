import type { SqlClient } from "@loginguard/db";
import type { HistoryContext } from "@loginguard/events";
import { type ContextWindows, computeHistoryContexts } from "./history-context";
import type { NewLoginRow } from "./login-row";

/** What recording one login gave: its stored context, the same on every redelivery. */
export interface RecordedLogin {
  history: HistoryContext;
  /** When the line was first recorded; the `time` of its login.recorded event. */
  recordedAt: Date;
  /** False when the line was already there (a redelivery): nothing was computed again. */
  inserted: boolean;
}

const INSERT_SQL = `
INSERT INTO logger.logins (
  event_id, account_id, occurred_at, result, failure_reason, ip, ip_masked, ip_class, country,
  device_id, user_agent, game_id, server_id, session_id, source, correlation_id, received_at)
SELECT * FROM unnest(
  $1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
  $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
  $17::timestamptz[])
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id, recorded_at`;

const SAVE_HISTORY_SQL = `
UPDATE logger.logins l SET history = u.history::jsonb
FROM unnest($1::text[], $2::text[]) AS u(event_id, history)
WHERE l.event_id = u.event_id`;

const STORED_SQL = `
SELECT event_id, history, recorded_at FROM logger.logins WHERE event_id = ANY($1::text[])`;

/**
 * Records a chunk of logins in one transaction: one multi-row insert that skips lines already
 * there, one statement computing the context of every new line (logins of one account in the
 * chunk see each other), one update storing it, and one read of the stored context of the lines
 * that were already there. A redelivered login therefore gets exactly the context it got the first
 * time, whatever was recorded since. Answers one result per row, in order.
 */
export async function recordLogins(
  sql: SqlClient,
  rows: NewLoginRow[],
  windows: ContextWindows,
): Promise<RecordedLogin[]> {
  if (rows.length === 0) return [];
  // The first of two rows with one eventId wins; the second reads what the first stored.
  const firstOf = new Map<string, NewLoginRow>();
  for (const row of rows) if (!firstOf.has(row.eventId)) firstOf.set(row.eventId, row);
  const distinct = [...firstOf.values()];

  return sql.transaction(async (tx) => {
    const inserted = await tx.query<{ event_id: string; recorded_at: Date }>(INSERT_SQL, columnsOf(distinct));
    const results = new Map<string, RecordedLogin>();
    const fresh = inserted.rows.map((r) => r.event_id);
    const contexts = await computeHistoryContexts(tx, fresh, windows);
    for (const { event_id, recorded_at } of inserted.rows) {
      const history = contexts.get(event_id);
      if (!history) throw new Error(`no history context computed for ${event_id}`);
      results.set(event_id, { history, recordedAt: recorded_at, inserted: true });
    }
    if (fresh.length > 0) {
      await tx.query(SAVE_HISTORY_SQL, [fresh, fresh.map((id) => JSON.stringify(results.get(id)!.history))]);
    }

    const existing = distinct.map((r) => r.eventId).filter((id) => !results.has(id));
    if (existing.length > 0) {
      const stored = await tx.query<{ event_id: string; history: HistoryContext | null; recorded_at: Date }>(
        STORED_SQL,
        [existing],
      );
      const missing: string[] = [];
      for (const row of stored.rows) {
        if (row.history) {
          results.set(row.event_id, { history: row.history, recordedAt: row.recorded_at, inserted: false });
        } else {
          missing.push(row.event_id);
        }
      }
      // Only a line written by hand lacks its context: compute it once and keep it.
      if (missing.length > 0) {
        const computed = await computeHistoryContexts(tx, missing, windows);
        await tx.query(SAVE_HISTORY_SQL, [missing, missing.map((id) => JSON.stringify(computed.get(id)))]);
        for (const row of stored.rows) {
          const history = computed.get(row.event_id);
          if (history) results.set(row.event_id, { history, recordedAt: row.recorded_at, inserted: false });
        }
      }
    }

    return rows.map((row, i) => {
      const result = results.get(row.eventId);
      if (!result) throw new Error(`login ${row.eventId} was neither inserted nor found`);
      // A second row with the same eventId in this chunk is a repeat, not a new line.
      const repeat = firstOf.get(row.eventId) !== row || rows.indexOf(row) !== i;
      return repeat ? { ...result, inserted: false } : result;
    });
  });
}

/** The insert's parameters: one array per column, in the order of INSERT_SQL. */
function columnsOf(rows: NewLoginRow[]): unknown[] {
  const column = <K extends keyof NewLoginRow>(key: K) => rows.map((r) => r[key]);
  return [
    column("eventId"),
    column("accountId"),
    column("occurredAt"),
    column("result"),
    column("failureReason"),
    column("ip"),
    column("ipMasked"),
    column("ipClass"),
    column("country"),
    column("deviceId"),
    column("userAgent"),
    column("gameId"),
    column("serverId"),
    column("sessionId"),
    column("source"),
    column("correlationId"),
    column("receivedAt"),
  ];
}
