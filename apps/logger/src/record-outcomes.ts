import type { SqlClient } from "@loginguard/db";
import type { ActionCompleted, CloudEvent, SecurityDecided } from "@loginguard/events";

const INSERT_DECISIONS_SQL = `
INSERT INTO logger.decisions (
  decision_id, login_event_id, account_id, action, actions, reasons, channels, login_occurred_at, decided_at)
SELECT d.decision_id, d.login_event_id, d.account_id, d.action, d.actions::jsonb, d.reasons::jsonb,
       d.channels::jsonb, d.login_occurred_at, d.decided_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::timestamptz[], $9::timestamptz[])
  AS d(decision_id, login_event_id, account_id, action, actions, reasons, channels, login_occurred_at, decided_at)
ON CONFLICT (decision_id) DO NOTHING`;

const INSERT_RESULTS_SQL = `
INSERT INTO logger.action_results (completion_id, decision_id, login_event_id, account_id, results, completed_at)
SELECT r.completion_id, r.decision_id, r.login_event_id, r.account_id, r.results::jsonb, r.completed_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
  AS r(completion_id, decision_id, login_event_id, account_id, results, completed_at)
ON CONFLICT (completion_id) DO NOTHING`;

/** A security.decided or action.completed event, as the outcome stage receives them. */
export type OutcomeEvent =
  | CloudEvent<"loginguard.security.decided.v1", SecurityDecided>
  | CloudEvent<"loginguard.action.completed.v1", ActionCompleted>;

/**
 * Keeps what was decided and done about logins, keyed by the event's id (a redelivery changes
 * nothing), in tables of their own: they may arrive before the login line, and are joined to it
 * when the history is read. One multi-row insert per table per chunk, in one transaction.
 */
export async function recordOutcomes(sql: SqlClient, events: OutcomeEvent[]): Promise<void> {
  const decisions = events.filter((e) => e.type === "loginguard.security.decided.v1");
  const completions = events.filter((e) => e.type === "loginguard.action.completed.v1");
  await sql.transaction(async (tx) => {
    if (decisions.length > 0) {
      await tx.query(INSERT_DECISIONS_SQL, [
        decisions.map((e) => e.id),
        decisions.map((e) => e.data.loginEventId),
        decisions.map((e) => e.data.accountId),
        decisions.map((e) => e.data.action),
        decisions.map((e) => JSON.stringify(e.data.actions)),
        decisions.map((e) => JSON.stringify(e.data.reasons)),
        decisions.map((e) => JSON.stringify(e.data.channels)),
        decisions.map((e) => new Date(e.data.occurredAt).toISOString()),
        decisions.map((e) => validTime(e.time)),
      ]);
    }
    if (completions.length > 0) {
      await tx.query(INSERT_RESULTS_SQL, [
        completions.map((e) => e.id),
        completions.map((e) => e.data.decisionId),
        completions.map((e) => e.data.loginEventId),
        completions.map((e) => e.data.accountId),
        completions.map((e) => JSON.stringify(e.data.results)),
        completions.map((e) => validTime(e.time)),
      ]);
    }
  });
}

/** The event's `time`, or now when a producer sent none or garbage (it only orders the display). */
function validTime(time: string): string {
  const at = new Date(time);
  return Number.isNaN(at.getTime()) ? new Date().toISOString() : at.toISOString();
}
