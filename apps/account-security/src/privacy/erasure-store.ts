import type { Database, SqlClient } from "@loginguard/db";
import type { ErasureCompleted } from "@loginguard/events";
import { SCHEMA } from "../state/migrations";

/** One service's confirmation of an erasure, or its absence. */
export interface ErasureServiceStatus {
  service: string;
  confirmedAt: Date | null;
  /** Rows it deleted per table; null until it confirmed. */
  deleted: Record<string, number> | null;
}

/** An erase request and where it stands: pending until every expected service confirmed. */
export interface ErasureStatus {
  erasureId: string;
  accountId: string;
  requestedAt: Date;
  completedAt: Date | null;
  status: "pending" | "done";
  services: ErasureServiceStatus[];
}

/**
 * Erase requests and each service's confirmation (schema `account_security`). Keeps only the
 * account id and times; who asked and why is in the audit trail.
 */
export class ErasureStore {
  constructor(
    private readonly db: Database,
    /** The services that must confirm before an erasure is done (ERASURE_SERVICES). */
    private readonly expected: readonly string[],
  ) {}

  /** The id of the account's erasure still waiting for confirmations, inside `tx`. */
  async pendingFor(tx: SqlClient, accountId: string): Promise<string | undefined> {
    const { rows } = await tx.query<{ erasure_id: string }>(
      `SELECT erasure_id FROM ${SCHEMA}.erasures WHERE account_id = $1 AND completed_at IS NULL
       ORDER BY requested_at DESC LIMIT 1`,
      [accountId],
    );
    return rows[0]?.erasure_id;
  }

  async create(tx: SqlClient, erasure: { erasureId: string; accountId: string; at: Date }): Promise<void> {
    await tx.query(
      `INSERT INTO ${SCHEMA}.erasures (erasure_id, account_id, requested_at) VALUES ($1, $2, $3)`,
      [erasure.erasureId, erasure.accountId, erasure.at],
    );
  }

  /**
   * Records one service's confirmation (a repeat is ignored) and marks the erasure done once every
   * expected service confirmed. Unknown erasure ids (another installation's) are ignored.
   */
  async confirm(done: ErasureCompleted): Promise<void> {
    await this.db.sql.transaction(async (tx) => {
      const { rows } = await tx.query<{ erasure_id: string }>(
        `SELECT erasure_id FROM ${SCHEMA}.erasures WHERE erasure_id = $1 FOR UPDATE`,
        [done.erasureId],
      );
      if (rows.length === 0) return;
      await tx.query(
        `INSERT INTO ${SCHEMA}.erasure_confirmations (erasure_id, service, confirmed_at, deleted)
         VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT DO NOTHING`,
        [done.erasureId, done.service, new Date(done.completedAt), JSON.stringify(done.deleted)],
      );
      const confirmed = await tx.query<{ service: string }>(
        `SELECT service FROM ${SCHEMA}.erasure_confirmations WHERE erasure_id = $1`,
        [done.erasureId],
      );
      const have = new Set(confirmed.rows.map((r) => r.service));
      if (this.expected.every((s) => have.has(s))) {
        await tx.query(
          `UPDATE ${SCHEMA}.erasures SET completed_at = $2 WHERE erasure_id = $1 AND completed_at IS NULL`,
          [done.erasureId, new Date()],
        );
      }
    });
  }

  /** The account's newest erasure with every expected service's confirmation, or undefined. */
  async latest(accountId: string): Promise<ErasureStatus | undefined> {
    const { rows } = await this.db.sql.query<{
      erasure_id: string;
      requested_at: Date;
      completed_at: Date | null;
    }>(
      `SELECT erasure_id, requested_at, completed_at FROM ${SCHEMA}.erasures WHERE account_id = $1
       ORDER BY requested_at DESC LIMIT 1`,
      [accountId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const confirmations = await this.db.sql.query<{
      service: string;
      confirmed_at: Date;
      deleted: Record<string, number>;
    }>(`SELECT service, confirmed_at, deleted FROM ${SCHEMA}.erasure_confirmations WHERE erasure_id = $1`, [
      row.erasure_id,
    ]);
    const byService = new Map(confirmations.rows.map((c) => [c.service, c]));
    const names = [...new Set([...this.expected, ...byService.keys()])];
    return {
      erasureId: row.erasure_id,
      accountId,
      requestedAt: row.requested_at,
      completedAt: row.completed_at,
      status: row.completed_at ? "done" : "pending",
      services: names.map((service) => {
        const c = byService.get(service);
        return { service, confirmedAt: c?.confirmed_at ?? null, deleted: c?.deleted ?? null };
      }),
    };
  }
}
