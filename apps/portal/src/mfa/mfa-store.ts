import type { Database } from "@loginguard/db";
import { SCHEMA } from "../db/migrations";

/** A staff member's second factor as stored: the TOTP secret, the last step used, recovery hashes. */
export interface MfaState {
  enabled: boolean;
  secret: string | null;
  recoveryLeft: number;
}

const T = `${SCHEMA}.staff`;

/** TOTP secrets and recovery codes of staff accounts (schema `portal`, migration 3). */
export class MfaStore {
  constructor(private readonly db: Database) {}

  async state(staffId: string): Promise<MfaState> {
    const { rows } = await this.db.sql.query<{
      totp_secret: string | null;
      recovery_hashes: string[] | null;
    }>(`SELECT totp_secret, recovery_hashes FROM ${T} WHERE id = $1`, [staffId]);
    const row = rows[0];
    return {
      enabled: Boolean(row?.totp_secret),
      secret: row?.totp_secret ?? null,
      recoveryLeft: row?.recovery_hashes?.length ?? 0,
    };
  }

  /** Turns TOTP on with its secret, the step of the code that proved it, and recovery hashes. */
  async enable(
    staffId: string,
    secret: string,
    step: number,
    recoveryHashes: string[],
    at: Date,
  ): Promise<void> {
    await this.db.sql.query(
      `UPDATE ${T} SET totp_secret = $2, totp_last_step = $3, recovery_hashes = $4::jsonb, totp_enabled_at = $5
       WHERE id = $1`,
      [staffId, secret, step, JSON.stringify(recoveryHashes), at],
    );
  }

  /** Accepts a code's time step once: false when that step (or a later one) was already used. */
  async acceptStep(staffId: string, step: number): Promise<boolean> {
    const { rows } = await this.db.sql.query(
      `UPDATE ${T} SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)
       RETURNING id`,
      [staffId, step],
    );
    return rows.length === 1;
  }

  /** Spends a recovery code (by hash): true when it was one of the unused ones. */
  async useRecoveryCode(staffId: string, hash: string): Promise<boolean> {
    const { rows } = await this.db.sql.query(
      `UPDATE ${T} SET recovery_hashes = recovery_hashes - $2::text
       WHERE id = $1 AND recovery_hashes ? $2::text RETURNING id`,
      [staffId, hash],
    );
    return rows.length === 1;
  }
}
