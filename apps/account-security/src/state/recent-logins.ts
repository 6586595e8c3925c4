import type { Database, SqlClient } from "@loginguard/db";
import type { LoginRecorded } from "@loginguard/events";
import { and, eq } from "drizzle-orm";
import { countryOf } from "../rules/location";
import { SCHEMA } from "./migrations";
import { recentLogins } from "./tables";

/** What "was this you?" needs of a successful login: where, and which session to kick. */
export interface RecentLogin {
  loginEventId: string;
  accountId: string;
  occurredAt: Date;
  country: string | null;
  gameId: string | null;
  serverId: string | null;
  sessionId: string | null;
}

/**
 * Successful logins of the last days, kept from the `login.recorded` events this service
 * consumed (no IP), so a player's answer can name its country and session without reading the
 * logger's tables.
 */
export class RecentLoginStore {
  constructor(private readonly db: Database) {}

  /** Stores the successful logins among `logins` in one insert (one array per column) inside `tx`. */
  async insert(tx: SqlClient, logins: readonly LoginRecorded[]): Promise<void> {
    const successes = logins.filter((l) => l.result === "success");
    if (successes.length === 0) return;
    await tx.query(
      `INSERT INTO ${SCHEMA}.recent_logins
         (login_event_id, account_id, occurred_at, country, game_id, server_id, session_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[])
       ON CONFLICT (login_event_id) DO NOTHING`,
      [
        successes.map((l) => l.eventId),
        successes.map((l) => l.accountId),
        successes.map((l) => l.occurredAt),
        successes.map((l) => countryOf(l)),
        successes.map((l) => l.gameId ?? null),
        successes.map((l) => l.serverId ?? null),
        successes.map((l) => l.sessionId ?? null),
      ],
    );
  }

  /** The account's login `loginEventId`; undefined when unknown or another account's. */
  async find(accountId: string, loginEventId: string): Promise<RecentLogin | undefined> {
    const rows = await this.db.drizzle
      .select()
      .from(recentLogins)
      .where(and(eq(recentLogins.loginEventId, loginEventId), eq(recentLogins.accountId, accountId)))
      .limit(1);
    return rows[0];
  }

  /** Deletes logins older than `before`; answers how many. */
  async prune(before: Date): Promise<number> {
    const { rows } = await this.db.sql.query<{ n: number }>(
      `WITH gone AS (DELETE FROM ${SCHEMA}.recent_logins WHERE occurred_at < $1 RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [before],
    );
    return rows[0]?.n ?? 0;
  }
}
