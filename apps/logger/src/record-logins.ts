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

const STORED_SQL = `
SELECT event_id, history, recorded_at FROM logger.logins WHERE event_id = ANY($1::text[])`;

const INSERT_SQL = `
INSERT INTO logger.logins (
  event_id, account_id, occurred_at, result, failure_reason, ip, ip_masked, ip_class, country,
  device_id, user_agent, game_id, server_id, session_id, source, correlation_id, received_at, history)
SELECT * FROM unnest(
  $1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
  $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
  $17::timestamptz[], $18::jsonb[])
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id, recorded_at`;

type StoredRow = { event_id: string; history: HistoryContext; recorded_at: Date };

/**
 * Records a chunk of logins in one transaction: one read of the lines already there (redeliveries
 * keep the context they got the first time, whatever was recorded since), one query for the
 * context of the others (logins of one account or IP inside the chunk see each other), and one
 * multi-row insert of the new lines with their context. Answers one result per row, in order.
 */
export async function recordLogins(
  sql: SqlClient,
  rows: NewLoginRow[],
  windows: ContextWindows,
): Promise<RecordedLogin[]> {
  if (rows.length === 0) return [];
  // The first of two rows with one eventId is the line; the second is a repeat of it.
  const firstOf = new Map<string, NewLoginRow>();
  for (const row of rows) if (!firstOf.has(row.eventId)) firstOf.set(row.eventId, row);

  return sql.transaction(async (tx) => {
    const results = new Map<string, RecordedLogin>();
    const stored = await tx.query<StoredRow>(STORED_SQL, [[...firstOf.keys()]]);
    for (const row of stored.rows) {
      results.set(row.event_id, { history: row.history, recordedAt: row.recorded_at, inserted: false });
    }

    const fresh = [...firstOf.values()].filter((r) => !results.has(r.eventId));
    const contexts = await computeHistoryContexts(tx, fresh, windows);
    if (fresh.length > 0) {
      const inserted = await tx.query<{ event_id: string; recorded_at: Date }>(INSERT_SQL, [
        ...columnsOf(fresh),
        contexts.map((c) => JSON.stringify(c)),
      ]);
      const contextOf = new Map(fresh.map((r, i) => [r.eventId, contexts[i]!]));
      for (const { event_id, recorded_at } of inserted.rows) {
        results.set(event_id, { history: contextOf.get(event_id)!, recordedAt: recorded_at, inserted: true });
      }
      // Lines another consumer inserted meanwhile (a rebalance): theirs is the context that stands.
      const raced = fresh.map((r) => r.eventId).filter((id) => !results.has(id));
      if (raced.length > 0) {
        for (const row of (await tx.query<StoredRow>(STORED_SQL, [raced])).rows) {
          results.set(row.event_id, { history: row.history, recordedAt: row.recorded_at, inserted: false });
        }
      }
    }

    return rows.map((row) => {
      const result = results.get(row.eventId);
      if (!result) throw new Error(`login ${row.eventId} was neither inserted nor found`);
      return firstOf.get(row.eventId) === row ? result : { ...result, inserted: false };
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
