import type { Database, SqlClient } from "@loginguard/db";
import { SCHEMA } from "../db/migrations";
import type { DecisionRule } from "../db/tables";

/** One decision as the overview keeps it: when, and which rules fired in which mode. */
export interface DecisionFact {
  eventId: string;
  accountId: string;
  decidedAt: Date;
  action: string | null;
  rules: DecisionRule[];
}

/** An account's lock state after an `account.changed`. */
export interface LockFact {
  accountId: string;
  locked: boolean;
  lockedAt: Date | null;
  reason: string | null;
  changedAt: Date;
  /** The account.changed version (0 for events from before versions). */
  version: number;
}

/** Decisions of one rule in one mode over the last hour and day. */
export interface RuleCount {
  code: string;
  mode: "enforce" | "shadow";
  lastHour: number;
  lastDay: number;
}

export interface LockedAccount {
  accountId: string;
  lockedAt: string | null;
  reason: string | null;
}

/** How long decisions are kept for the counts. */
export const DECISIONS_KEPT_MS = 24 * 3_600_000;

/**
 * What the console's overview counts, kept by the portal's own consumer of `security.decided`
 * and `account.changed`: decisions (idempotent by event id) and the accounts locked now.
 */
export class OverviewStore {
  constructor(private readonly db: Database) {}

  /** Inserts decisions; a redelivered event changes nothing. */
  async recordDecisions(tx: SqlClient, facts: DecisionFact[]): Promise<void> {
    if (facts.length === 0) return;
    const values: string[] = [];
    const params: unknown[] = [];
    for (const f of facts) {
      const n = params.length;
      values.push(`($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}::jsonb)`);
      params.push(f.eventId, f.accountId, f.decidedAt, f.action, JSON.stringify(f.rules));
    }
    await tx.query(
      `INSERT INTO ${SCHEMA}.decisions (event_id, account_id, decided_at, action, rules)
       VALUES ${values.join(", ")} ON CONFLICT (event_id) DO NOTHING`,
      params,
    );
  }

  /**
   * Applies one account's new lock state unless a newer version of the account was applied
   * already (issue 9 point 2: a redelivered or replayed lock never undoes a later unlock).
   * Answers whether it was applied.
   */
  async applyLock(tx: SqlClient, fact: LockFact): Promise<boolean> {
    const { rows } = await tx.query(
      `INSERT INTO ${SCHEMA}.account_versions AS v (account_id, version) VALUES ($1, $2)
       ON CONFLICT (account_id) DO UPDATE SET version = EXCLUDED.version WHERE v.version <= EXCLUDED.version
       RETURNING 1`,
      [fact.accountId, fact.version],
    );
    if (rows.length === 0) return false;
    if (!fact.locked) {
      await tx.query(`DELETE FROM ${SCHEMA}.locked_accounts WHERE account_id = $1`, [fact.accountId]);
      return true;
    }
    await tx.query(
      `INSERT INTO ${SCHEMA}.locked_accounts (account_id, locked_at, reason, changed_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id) DO UPDATE
         SET locked_at = EXCLUDED.locked_at, reason = EXCLUDED.reason, changed_at = EXCLUDED.changed_at`,
      [fact.accountId, fact.lockedAt, fact.reason, fact.changedAt],
    );
    return true;
  }

  /** Decisions per rule and mode over the last hour and the last day. */
  async ruleCounts(now: Date): Promise<RuleCount[]> {
    const { rows } = await this.db.sql.query<{
      code: string;
      mode: "enforce" | "shadow";
      last_hour: number;
      last_day: number;
    }>(
      `SELECT r->>'code' AS code, r->>'mode' AS mode,
              count(*) FILTER (WHERE d.decided_at > $1) AS last_hour,
              count(*) AS last_day
         FROM ${SCHEMA}.decisions d, jsonb_array_elements(d.rules) r
        WHERE d.decided_at > $2
        GROUP BY 1, 2
        ORDER BY last_day DESC, code`,
      [new Date(now.getTime() - 3_600_000), new Date(now.getTime() - DECISIONS_KEPT_MS)],
    );
    return rows.map((r) => ({
      code: r.code,
      mode: r.mode,
      lastHour: Number(r.last_hour),
      lastDay: Number(r.last_day),
    }));
  }

  /** How many accounts are locked now, and the most recently locked of them. */
  async lockedNow(limit: number): Promise<{ count: number; recent: LockedAccount[] }> {
    const total = await this.db.sql.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${SCHEMA}.locked_accounts`,
    );
    const { rows } = await this.db.sql.query<{
      account_id: string;
      locked_at: Date | null;
      reason: string | null;
    }>(
      `SELECT account_id, locked_at, reason FROM ${SCHEMA}.locked_accounts
        ORDER BY locked_at DESC NULLS LAST, account_id LIMIT $1`,
      [limit],
    );
    return {
      count: Number(total.rows[0]?.n ?? 0),
      recent: rows.map((r) => ({
        accountId: r.account_id,
        lockedAt: r.locked_at?.toISOString() ?? null,
        reason: r.reason,
      })),
    };
  }

  /** Deletes decisions older than the counts look back. */
  async prune(now: Date): Promise<void> {
    await this.db.sql.query(`DELETE FROM ${SCHEMA}.decisions WHERE decided_at <= $1`, [
      new Date(now.getTime() - DECISIONS_KEPT_MS),
    ]);
  }
}
