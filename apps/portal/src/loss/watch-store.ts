import type { Database, SqlClient } from "@loginguard/db";
import { SCHEMA } from "../db/migrations";

/** One sighting of a login on a topic: which stage's output it was, and where. */
export interface Sighting {
  loginId: string;
  accountId: string;
  /** When ingest accepted it (the `login.attempted` record's append time), else the sighting's. */
  acceptedAt: Date;
  /** The stage whose output this was: ingest, ip-checker, logger. */
  stage: string;
  /** Pipeline order of `stage`; a later stage's sighting wins. */
  rank: number;
  /** Set for `login.recorded`: where account-security reads it. */
  recorded?: { partition: number; offset: number };
}

/** A login past its deadline. */
export interface StuckLogin {
  loginId: string;
  accountId: string;
  acceptedAt: Date;
  lastStage: string;
}

/**
 * The logins the loss detector watches (table `portal.login_watch`): one row from the first
 * sighting until the login is decided or handled with nothing to do. In the database, not in
 * memory, so a restarted or second portal replica carries on where the others left off.
 */
export class WatchStore {
  constructor(private readonly db: Database) {}

  /** Records sightings; a row keeps its earliest acceptance time and its furthest stage. */
  async sight(tx: SqlClient, sightings: Sighting[]): Promise<void> {
    if (sightings.length === 0) return;
    const values: unknown[] = [];
    const rows = sightings.map((s, i) => {
      values.push(
        s.loginId,
        s.accountId,
        s.acceptedAt,
        s.stage,
        s.rank,
        s.recorded?.partition ?? null,
        s.recorded?.offset ?? null,
      );
      const b = i * 7;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
    });
    await tx.query(
      `INSERT INTO ${SCHEMA}.login_watch
         (login_id, account_id, accepted_at, last_stage, stage_rank, recorded_partition, recorded_offset)
       VALUES ${rows.join(", ")}
       ON CONFLICT (login_id) DO UPDATE SET
         accepted_at = LEAST(login_watch.accepted_at, EXCLUDED.accepted_at),
         last_stage = CASE WHEN EXCLUDED.stage_rank > login_watch.stage_rank THEN EXCLUDED.last_stage ELSE login_watch.last_stage END,
         stage_rank = GREATEST(login_watch.stage_rank, EXCLUDED.stage_rank),
         recorded_partition = COALESCE(EXCLUDED.recorded_partition, login_watch.recorded_partition),
         recorded_offset = COALESCE(EXCLUDED.recorded_offset, login_watch.recorded_offset)`,
      values,
    );
  }

  /** Logins that reached a decision: no longer watched. */
  async settle(tx: SqlClient, loginIds: string[]): Promise<void> {
    if (loginIds.length === 0) return;
    await tx.query(`DELETE FROM ${SCHEMA}.login_watch WHERE login_id = ANY($1::text[])`, [loginIds]);
  }

  /** Logins on `login.recorded` partition `partition` below `committed`: account-security handled them. */
  async settleHandled(partition: number, committed: number): Promise<number> {
    const result = await this.db.sql.query(
      `DELETE FROM ${SCHEMA}.login_watch WHERE recorded_partition = $1 AND recorded_offset < $2 RETURNING login_id`,
      [partition, committed],
    );
    return result.rows.length;
  }

  /** Logins accepted before `before` and still watched, oldest first. */
  async stuck(before: Date, limit: number): Promise<StuckLogin[]> {
    const result = await this.db.sql.query<{
      login_id: string;
      account_id: string;
      accepted_at: Date | string;
      last_stage: string;
    }>(
      `SELECT login_id, account_id, accepted_at, last_stage FROM ${SCHEMA}.login_watch
        WHERE accepted_at < $1 ORDER BY accepted_at LIMIT $2`,
      [before, limit],
    );
    return result.rows.map((r) => ({
      loginId: r.login_id,
      accountId: r.account_id,
      acceptedAt: new Date(r.accepted_at),
      lastStage: r.last_stage,
    }));
  }

  /** Stuck logins per last stage (all of them, not only a page). */
  async stuckByStage(before: Date): Promise<Map<string, number>> {
    const result = await this.db.sql.query<{ last_stage: string; n: number | string }>(
      `SELECT last_stage, count(*) AS n FROM ${SCHEMA}.login_watch WHERE accepted_at < $1 GROUP BY last_stage`,
      [before],
    );
    return new Map(result.rows.map((r) => [r.last_stage, Number(r.n)]));
  }

  /** Marks stuck logins as reported and returns the ones not reported before (each is logged once). */
  async markReported(before: Date, now: Date): Promise<StuckLogin[]> {
    const result = await this.db.sql.query<{
      login_id: string;
      account_id: string;
      accepted_at: Date | string;
      last_stage: string;
    }>(
      `UPDATE ${SCHEMA}.login_watch SET reported_at = $2
        WHERE accepted_at < $1 AND reported_at IS NULL
        RETURNING login_id, account_id, accepted_at, last_stage`,
      [before, now],
    );
    return result.rows.map((r) => ({
      loginId: r.login_id,
      accountId: r.account_id,
      acceptedAt: new Date(r.accepted_at),
      lastStage: r.last_stage,
    }));
  }
}
