import { createHmac, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import type { Database, SqlClient } from "@loginguard/db";
import type { Channel } from "@loginguard/events";
import { SCHEMA } from "./migrations";

/** Limits of the self-service unlock (docs/ARCHITECTURE.md section 6). */
export interface UnlockPolicy {
  /** A code expires this long after it was sent. */
  codeTtlMinutes: number;
  /** Wrong codes accepted per challenge before it is spent. */
  maxTries: number;
  /** Challenges an account may request per window... */
  challengesPerWindow: number;
  /** ...of this many minutes. */
  challengeWindowMinutes: number;
}

export const DEFAULT_UNLOCK_POLICY: UnlockPolicy = {
  codeTtlMinutes: 10,
  maxTries: 5,
  challengesPerWindow: 3,
  challengeWindowMinutes: 15,
};

export type ChallengeStatus = "pending" | "used" | "superseded" | "not_sent";

/** A stored unlock challenge (never the code itself). */
export interface UnlockChallenge {
  id: string;
  accountId: string;
  channel: Channel | null;
  createdAt: Date;
  expiresAt: Date;
  tries: number;
  status: ChallengeStatus;
  codeHash: Uint8Array | null;
}

interface ChallengeRow {
  id: string;
  account_id: string;
  channel: Channel | null;
  created_at: Date;
  expires_at: Date;
  tries: number;
  status: ChallengeStatus;
  code_hash: Uint8Array | null;
}

const TABLE = `${SCHEMA}.unlock_challenges`;

function fromRow(r: ChallengeRow): UnlockChallenge {
  return {
    id: r.id,
    accountId: r.account_id,
    channel: r.channel,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    tries: r.tries,
    status: r.status,
    codeHash: r.code_hash,
  };
}

/** A fresh 6-digit code from the CSPRNG, leading zeros kept. */
export function newUnlockCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, "0");
}

/**
 * The stored form of a code: HMAC-SHA256 keyed with a pepper that is not in the database and
 * bound to the challenge id. A 6-digit code has only a million values, so a plain hash would
 * fall to anyone who reads the table; without the pepper the table tells nothing.
 */
export function hashUnlockCode(pepper: Uint8Array, challengeId: string, code: string): Buffer {
  return createHmac("sha256", pepper).update(`${challengeId}:${code}`).digest();
}

/** Compares a presented code with the stored hash in constant time. */
export function codeMatches(pepper: Uint8Array, challenge: UnlockChallenge, presented: string): boolean {
  if (!challenge.codeHash) return false;
  const stored = Buffer.from(challenge.codeHash);
  const candidate = hashUnlockCode(pepper, challenge.id, presented);
  return stored.length === candidate.length && timingSafeEqual(stored, candidate);
}

/** Unlock challenges: creation with a rate limit, tries, expiry. Callers hold the account's row lock. */
export class UnlockChallengeStore {
  constructor(
    private readonly db: Database,
    private readonly pepper: Uint8Array,
  ) {}

  /** Challenges the account requested since `since`, and the oldest of them. */
  async requestedSince(
    tx: SqlClient,
    accountId: string,
    since: Date,
  ): Promise<{ count: number; oldest: Date | null }> {
    const { rows } = await tx.query<{ count: number; oldest: Date | null }>(
      `SELECT count(*) AS count, min(created_at) AS oldest FROM ${TABLE} WHERE account_id = $1 AND created_at > $2`,
      [accountId, since],
    );
    return { count: rows[0]?.count ?? 0, oldest: rows[0]?.oldest ?? null };
  }

  /**
   * Records a challenge, superseding the account's pending ones. With `sendCode` a code is made
   * and answered (to be delivered, never stored); without, the row only counts for the rate limit.
   */
  async create(
    tx: SqlClient,
    args: { accountId: string; channel: Channel | null; now: Date; expiresAt: Date; sendCode: boolean },
  ): Promise<{ id: string; code: string | null }> {
    await this.supersedePending(tx, args.accountId);
    const id = randomUUID();
    const code = args.sendCode ? newUnlockCode() : null;
    await tx.query(
      `INSERT INTO ${TABLE} (id, account_id, code_hash, channel, created_at, expires_at, tries, status)
       VALUES ($1, $2, $3, $4, $5, $6, 0, $7)`,
      [
        id,
        args.accountId,
        code ? hashUnlockCode(this.pepper, id, code) : null,
        args.channel,
        args.now,
        args.expiresAt,
        code ? "pending" : "not_sent",
      ],
    );
    return { id, code };
  }

  /** The account's pending challenge (possibly expired or out of tries), locked in `tx` when given. */
  async pending(accountId: string, tx?: SqlClient): Promise<UnlockChallenge | undefined> {
    const { rows } = await (tx ?? this.db.sql).query<ChallengeRow>(
      `SELECT * FROM ${TABLE} WHERE account_id = $1 AND status = 'pending'
       ORDER BY created_at DESC LIMIT 1${tx ? " FOR UPDATE" : ""}`,
      [accountId],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** Counts one try; answers the tries used so far. */
  async countTry(tx: SqlClient, id: string): Promise<number> {
    const { rows } = await tx.query<{ tries: number }>(
      `UPDATE ${TABLE} SET tries = tries + 1 WHERE id = $1 RETURNING tries`,
      [id],
    );
    return rows[0]?.tries ?? Number.POSITIVE_INFINITY;
  }

  async markUsed(tx: SqlClient, id: string): Promise<void> {
    await tx.query(`UPDATE ${TABLE} SET status = 'used' WHERE id = $1`, [id]);
  }

  /** Ends every pending challenge of the account (a new one was made, or it was unlocked). */
  async supersedePending(tx: SqlClient, accountId: string): Promise<void> {
    await tx.query(`UPDATE ${TABLE} SET status = 'superseded' WHERE account_id = $1 AND status = 'pending'`, [
      accountId,
    ]);
  }

  /** Deletes challenges created before `before` (they only matter for minutes). */
  async prune(before: Date): Promise<void> {
    await this.db.sql.query(`DELETE FROM ${TABLE} WHERE created_at < $1`, [before]);
  }
}
