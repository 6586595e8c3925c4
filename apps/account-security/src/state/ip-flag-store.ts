import type { Database, SqlClient } from "@loginguard/db";
import { SCHEMA } from "./migrations";

/** A credential-stuffing flag on one IP. */
export interface IpFlag {
  ip: string;
  failedAccounts: number;
  flaggedAt: Date;
  until: Date;
  /** False when the rule ran in shadow mode: recorded, never published. */
  enforced: boolean;
}

interface IpFlagRow {
  ip: string;
  failed_accounts: number;
  flagged_at: Date;
  until: Date;
  enforced: boolean;
}

/** IPs flagged for failing on many accounts (shared by every replica through the database). */
export class IpFlagStore {
  constructor(private readonly db: Database) {}

  /** The flags of `ips` that exist (live or expired). */
  async getMany(ips: readonly string[]): Promise<Map<string, IpFlag>> {
    if (ips.length === 0) return new Map();
    const { rows } = await this.db.sql.query<IpFlagRow>(
      `SELECT * FROM ${SCHEMA}.ip_flags WHERE ip = ANY($1::text[])`,
      [[...new Set(ips)]],
    );
    return new Map(
      rows.map((r) => [
        r.ip,
        {
          ip: r.ip,
          failedAccounts: r.failed_accounts,
          flaggedAt: r.flagged_at,
          until: r.until,
          enforced: r.enforced,
        },
      ]),
    );
  }

  /** Writes flags inside `tx` (one statement each; flags are rare). */
  async upsert(tx: SqlClient, flags: readonly IpFlag[]): Promise<void> {
    for (const f of flags) {
      await tx.query(
        `INSERT INTO ${SCHEMA}.ip_flags (ip, failed_accounts, flagged_at, until, enforced)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (ip) DO UPDATE SET failed_accounts = EXCLUDED.failed_accounts,
           flagged_at = EXCLUDED.flagged_at, until = EXCLUDED.until, enforced = EXCLUDED.enforced`,
        [f.ip, f.failedAccounts, f.flaggedAt, f.until, f.enforced],
      );
    }
  }

  /** Deletes flags that expired before `before`. */
  async prune(before: Date): Promise<void> {
    await this.db.sql.query(`DELETE FROM ${SCHEMA}.ip_flags WHERE until < $1`, [before]);
  }
}
