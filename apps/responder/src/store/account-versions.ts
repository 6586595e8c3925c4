import type { Database } from "@loginguard/db";

/** The newest `account.changed` version the responder saw per account (issue 9 point 2). */
export interface AccountVersionStore {
  /**
   * Records `version` for the account unless a newer one is held; answers whether it was (an
   * equal version is the same change again: true, so a retried webhook is still sent once).
   */
  advance(accountId: string, version: number): Promise<boolean>;
  /** The version held (0 when none). */
  get(accountId: string): Promise<number>;
}

export function accountVersionStore(db: Database): AccountVersionStore {
  return {
    async advance(accountId, version) {
      const { rows } = await db.sql.query(
        `INSERT INTO responder.account_versions AS v (account_id, version) VALUES ($1, $2)
         ON CONFLICT (account_id) DO UPDATE SET version = EXCLUDED.version WHERE v.version <= EXCLUDED.version
         RETURNING 1`,
        [accountId, version],
      );
      return rows.length > 0;
    },
    async get(accountId) {
      const { rows } = await db.sql.query<{ version: number | string }>(
        "SELECT version FROM responder.account_versions WHERE account_id = $1",
        [accountId],
      );
      return rows[0] ? Number(rows[0].version) : 0;
    },
  };
}
