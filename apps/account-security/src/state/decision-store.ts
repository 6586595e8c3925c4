import type { Emit } from "@loginguard/bus";
import type { Database, SqlClient } from "@loginguard/db";
import type { SecurityDecided } from "@loginguard/events";
import { and, desc, eq, isNotNull } from "drizzle-orm";
import { SCHEMA } from "./migrations";
import { decisions } from "./tables";

/** A login's outcome as stored: its decision (if any) and every event published for it. */
export interface StoredOutcome {
  /** The login's eventId for the stage's decisions; {@link playerDeniedKey} for a player's denial. */
  key: string;
  loginEventId: string;
  accountId: string;
  occurredAt: Date;
  decidedAt: Date;
  decision: SecurityDecided | null;
  outputs: Emit[];
}

/**
 * The logins that produced output. Redelivered logins are answered from here, so the same
 * events (same ids, same content) are published again instead of being decided a second time
 * against a state they already changed.
 */
export class DecisionStore {
  constructor(private readonly db: Database) {}

  /** Stored outputs of the outcomes among `keys` that exist. */
  async outputsOf(keys: readonly string[]): Promise<Map<string, Emit[]>> {
    if (keys.length === 0) return new Map();
    const { rows } = await this.db.sql.query<{ decision_key: string; outputs: Emit[] }>(
      `SELECT decision_key, outputs FROM ${SCHEMA}.decisions WHERE decision_key = ANY($1::text[])`,
      [[...new Set(keys)]],
    );
    return new Map(rows.map((r) => [r.decision_key, r.outputs]));
  }

  /** Stores outcomes in one multi-row insert inside `tx`; an existing login id is kept as it was. */
  async insert(tx: SqlClient, outcomes: readonly StoredOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const params: unknown[] = [];
    const values = outcomes.map((o) => {
      params.push(
        o.key,
        o.loginEventId,
        o.accountId,
        o.occurredAt,
        o.decidedAt,
        o.decision?.action ?? null,
        o.decision ? JSON.stringify(o.decision) : null,
        JSON.stringify(o.outputs),
      );
      const n = params.length;
      return `($${n - 7}, $${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}::jsonb, $${n}::jsonb)`;
    });
    await tx.query(
      `INSERT INTO ${SCHEMA}.decisions
         (decision_key, login_event_id, account_id, occurred_at, decided_at, action, decision, outputs)
       VALUES ${values.join(", ")} ON CONFLICT (decision_key) DO NOTHING`,
      params,
    );
  }

  /** The account's latest decisions, newest first (for staff). */
  async listForAccount(
    accountId: string,
    limit: number,
  ): Promise<Array<{ decidedAt: Date; decision: SecurityDecided }>> {
    const rows = await this.db.drizzle
      .select({ decidedAt: decisions.decidedAt, decision: decisions.decision })
      .from(decisions)
      .where(and(eq(decisions.accountId, accountId), isNotNull(decisions.decision)))
      .orderBy(desc(decisions.decidedAt), desc(decisions.decisionKey))
      .limit(limit);
    return rows.flatMap((r) => (r.decision ? [{ decidedAt: r.decidedAt, decision: r.decision }] : []));
  }

  /** Deletes outcomes decided before `before`. */
  async prune(before: Date): Promise<void> {
    await this.db.sql.query(`DELETE FROM ${SCHEMA}.decisions WHERE decided_at < $1`, [before]);
  }
}

/** The decision key of a player's "it was not me" about `loginEventId`. */
export function playerDeniedKey(loginEventId: string): string {
  return `player_denied:${loginEventId}`;
}
