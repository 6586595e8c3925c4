import type { Database, SqlClient } from "@loginguard/db";
import { type AccountRecord, type Actor, emptyAccount } from "./account-record";
import { SCHEMA } from "./migrations";

interface AccountRow {
  account_id: string;
  locked: boolean;
  locked_at: Date | null;
  lock_reason: string | null;
  locked_by_kind: Actor["kind"] | null;
  locked_by_id: string | null;
  lock_login_event_id: string | null;
  blocked_countries: string[];
  allowed_countries: string[];
  travel_country: string | null;
  travel_until: Date | null;
  known_countries: string[];
  failure_burst_at: Date | null;
  version: number;
}

const TABLE = `${SCHEMA}.accounts`;

function fromRow(row: AccountRow): AccountRecord {
  return {
    accountId: row.account_id,
    locked: row.locked,
    lockedAt: row.locked_at,
    lockReason: row.lock_reason,
    lockedBy: row.locked_by_kind ? { kind: row.locked_by_kind, id: row.locked_by_id } : null,
    lockLoginEventId: row.lock_login_event_id,
    blockedCountries: row.blocked_countries,
    allowedCountries: row.allowed_countries,
    travel:
      row.travel_country && row.travel_until
        ? { country: row.travel_country, until: row.travel_until }
        : null,
    knownCountries: row.known_countries,
    failureBurstAt: row.failure_burst_at,
    version: row.version,
  };
}

/** Options for {@link AccountStore}. */
export interface AccountStoreOptions {
  /**
   * Keep account state in memory. Safe only when this process is the only writer of the
   * database (embedded mode: PGlite admits one process), because every change then passes
   * through this store. Off, every read goes to the database.
   */
  cache: boolean;
  /** Accounts kept in memory at most (least recently used dropped first). */
  cacheSize: number;
}

/** The result of {@link AccountStore.mutate}. */
export interface Mutation {
  before: AccountRecord;
  after: AccountRecord;
  /** False when the change left the row as it was (nothing written). */
  changed: boolean;
}

/**
 * Reads and changes account state. Changes run inside the caller's transaction on the row
 * locked with `FOR UPDATE`, so a rule's lock and a player's settings change never overwrite
 * each other, on any number of replicas.
 */
export class AccountStore {
  readonly #db: Database;
  readonly #options: AccountStoreOptions;
  /** accountId -> record; insertion order is recency (Map re-insertion on use). */
  readonly #cache = new Map<string, AccountRecord>();

  constructor(db: Database, options: AccountStoreOptions) {
    this.#db = db;
    this.#options = options;
  }

  get caching(): boolean {
    return this.#options.cache;
  }

  /** The records of `ids` (an empty record for accounts never seen), one query for cache misses. */
  async getMany(ids: readonly string[]): Promise<Map<string, AccountRecord>> {
    const found = new Map<string, AccountRecord>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.#options.cache ? this.#touch(id) : undefined;
      if (hit) found.set(id, hit);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const { rows } = await this.#db.sql.query<AccountRow>(
        `SELECT * FROM ${TABLE} WHERE account_id = ANY($1::text[])`,
        [missing],
      );
      for (const row of rows) found.set(row.account_id, fromRow(row));
      for (const id of missing) {
        const record = found.get(id) ?? emptyAccount(id);
        found.set(id, record);
        this.remember(record);
      }
    }
    return found;
  }

  async get(id: string): Promise<AccountRecord> {
    return (await this.getMany([id])).get(id) ?? emptyAccount(id);
  }

  /**
   * Applies `change` to the account's row inside `tx` (created when missing, locked while the
   * transaction lasts) and writes the result when it differs. Call {@link remember} with
   * `after` once the transaction committed.
   */
  async mutate(
    tx: SqlClient,
    id: string,
    change: (record: AccountRecord) => AccountRecord,
  ): Promise<Mutation> {
    await tx.query(`INSERT INTO ${TABLE} (account_id) VALUES ($1) ON CONFLICT (account_id) DO NOTHING`, [id]);
    const { rows } = await tx.query<AccountRow>(`SELECT * FROM ${TABLE} WHERE account_id = $1 FOR UPDATE`, [
      id,
    ]);
    const before = fromRow(rows[0]!);
    const next = change(before);
    if (next === before) return { before, after: before, changed: false };
    const written = await tx.query<AccountRow>(
      `UPDATE ${TABLE} SET
         locked = $2, locked_at = $3, lock_reason = $4, locked_by_kind = $5, locked_by_id = $6,
         lock_login_event_id = $7, blocked_countries = $8::jsonb, allowed_countries = $9::jsonb,
         travel_country = $10, travel_until = $11, known_countries = $12::jsonb, failure_burst_at = $13,
         version = version + 1, updated_at = now()
       WHERE account_id = $1 RETURNING *`,
      [
        id,
        next.locked,
        next.lockedAt,
        next.lockReason,
        next.lockedBy?.kind ?? null,
        next.lockedBy?.id ?? null,
        next.lockLoginEventId,
        JSON.stringify(next.blockedCountries),
        JSON.stringify(next.allowedCountries),
        next.travel?.country ?? null,
        next.travel?.until ?? null,
        JSON.stringify(next.knownCountries),
        next.failureBurstAt,
      ],
    );
    return { before, after: fromRow(written.rows[0]!), changed: true };
  }

  /** Puts a committed record in the cache unless the cache holds a newer version. */
  remember(record: AccountRecord): void {
    if (!this.#options.cache) return;
    const cached = this.#cache.get(record.accountId);
    if (cached && cached.version > record.version) return;
    this.#cache.delete(record.accountId);
    this.#cache.set(record.accountId, record);
    if (this.#cache.size > this.#options.cacheSize) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
  }

  /** Drops an account from the cache (after a transaction that touched it failed). */
  forget(id: string): void {
    this.#cache.delete(id);
  }

  #touch(id: string): AccountRecord | undefined {
    const hit = this.#cache.get(id);
    if (hit) {
      this.#cache.delete(id);
      this.#cache.set(id, hit);
    }
    return hit;
  }
}
