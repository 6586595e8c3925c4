import type { AccountState } from "@loginguard/events";
import { normalizeIp } from "@loginguard/geoip";

/** An account the cache knows nothing about: never locked, no country lists. */
const DEFAULT_STATUS_JSON = statusJson({
  locked: false,
  lockedAt: null,
  reason: null,
  blockedCountries: [],
  allowedCountries: [],
  travel: null,
});

export interface StatusCacheOptions {
  /**
   * Most accounts held. Unlocked ones go first (least recently changed first); locked accounts
   * are never dropped: when they alone exceed the bound the cache keeps them all and says so
   * through `onEvict("locked_over_bound")`.
   */
  maxAccounts: number;
  /** Most flagged IPs held; the oldest flags go first. */
  maxFlaggedIps: number;
  /** Called when an entry is dropped to stay within a bound, or the bound is exceeded (log it). */
  onEvict?: (what: "account" | "ip" | "locked_over_bound") => void;
  now?: () => number;
}

/** One account as held: the version of the event it came from, and its ready-to-send answer. */
interface Entry {
  version: number;
  json: string;
}

/** What the cache can say about one account. */
export interface StatusLookup {
  /** The answer body (the default state for an account it holds nothing about). */
  json: string;
  /** True when the cache holds an entry for this account. */
  known: boolean;
  /** For an unknown account: false once entries were evicted (its country lists may be lost). */
  certain: boolean;
}

/**
 * What `GET /v1/accounts/{id}/status` answers, kept in memory (docs/ARCHITECTURE.md section 6: well under
 * a millisecond, never a database).
 *
 * Each account is held with the version of the `account.changed` it came from; an event older
 * than what is held is ignored (issue 9 point 2: redelivery, replay and the outbox path never roll
 * state back). An event without a version counts as version 0 (events from before versions).
 * Accounts are held as their ready-to-send JSON text (about 350 bytes each with 36-character
 * ids, see bench.ts), so an answer is a Map lookup. Accounts back to the default state are held
 * too (their version guards against a stale lock) and are the first to go when the cache is full.
 */
export class StatusCache {
  /** Locked accounts: never evicted. */
  readonly #locked = new Map<string, Entry>();
  /** Every other account with a version or a state; insertion order is change order (eviction). */
  readonly #other = new Map<string, Entry>();
  /** normalised IP -> flagged until (ms). */
  readonly #flagged = new Map<string, number>();
  readonly #options: StatusCacheOptions;
  readonly #now: () => number;
  #evictedAccounts = 0;

  constructor(options: StatusCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Applies an `account.changed` event (the whole new state) unless the cache holds a newer
   * version of the account. Answers whether it was applied.
   */
  setAccount(accountId: string, state: AccountState, version = 0): boolean {
    const held = this.#locked.get(accountId) ?? this.#other.get(accountId);
    if (held && version < held.version) return false;
    this.#locked.delete(accountId);
    this.#other.delete(accountId);
    const entry = { version, json: isDefault(state) ? DEFAULT_STATUS_JSON : statusJson(state) };
    if (state.locked) this.#locked.set(accountId, entry);
    else this.#other.set(accountId, entry);
    this.#bound();
    return true;
  }

  /** Applies a tombstone on `account.changed` (the account was erased): back to the default status. */
  forgetAccount(accountId: string): void {
    // Both maps, and the version with them: an erased account that comes back starts at version 1.
    this.#locked.delete(accountId);
    this.#other.delete(accountId);
  }

  /** Applies an `ip.flagged` event: the IP is flagged until `untilMs`. */
  flagIp(ip: string, untilMs: number): void {
    const normalized = normalizeIp(ip);
    const key = normalized.ok ? normalized.ip : ip;
    this.#flagged.delete(key);
    if (!(untilMs > this.#now())) return;
    this.#flagged.set(key, untilMs);
    if (this.#flagged.size > this.#options.maxFlaggedIps) this.#dropOldestIp();
  }

  /** The status JSON of an account (the default for accounts never seen). */
  statusJson(accountId: string): string {
    return this.lookup(accountId).json;
  }

  /** The answer for an account, and whether the cache actually knows it. */
  lookup(accountId: string): StatusLookup {
    const entry = this.#locked.get(accountId) ?? this.#other.get(accountId);
    if (entry) return { json: entry.json, known: true, certain: true };
    return { json: DEFAULT_STATUS_JSON, known: false, certain: this.#evictedAccounts === 0 };
  }

  /** The version held for an account (0 when none). */
  versionOf(accountId: string): number {
    return (this.#locked.get(accountId) ?? this.#other.get(accountId))?.version ?? 0;
  }

  /** Whether a normalised IP is flagged now. */
  isIpFlagged(normalizedIp: string): boolean {
    const until = this.#flagged.get(normalizedIp);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#flagged.delete(normalizedIp);
    return false;
  }

  get accountCount(): number {
    return this.#locked.size + this.#other.size;
  }

  get lockedCount(): number {
    return this.#locked.size;
  }

  /** Accounts dropped to stay within the bound since the cache started (never locked ones). */
  get evictedAccounts(): number {
    return this.#evictedAccounts;
  }

  get flaggedIpCount(): number {
    return this.#flagged.size;
  }

  /** Drops unlocked accounts, least recently changed first, until within the bound. */
  #bound(): void {
    while (this.#locked.size + this.#other.size > this.#options.maxAccounts) {
      const oldest = this.#other.keys().next().value;
      if (oldest === undefined) {
        this.#options.onEvict?.("locked_over_bound");
        return;
      }
      this.#other.delete(oldest);
      this.#evictedAccounts++;
      this.#options.onEvict?.("account");
    }
  }

  /** Drops the first flag: flags arrive in time order, so it is the oldest (often expired). */
  #dropOldestIp(): void {
    const oldest = this.#flagged.entries().next().value;
    if (oldest === undefined) return;
    this.#flagged.delete(oldest[0]);
    if (oldest[1] > this.#now()) this.#options.onEvict?.("ip");
  }
}

function isDefault(state: AccountState): boolean {
  return (
    !state.locked &&
    state.blockedCountries.length === 0 &&
    state.allowedCountries.length === 0 &&
    state.travel === null
  );
}

/** The answer body: the contract's fields in a fixed order, plus the travel allowance. */
function statusJson(state: AccountState): string {
  return JSON.stringify({
    locked: state.locked,
    lockedAt: state.lockedAt,
    reason: state.reason,
    blockedCountries: state.blockedCountries,
    allowedCountries: state.allowedCountries,
    travel: state.travel,
  });
}

/** Adds `"ipFlagged"` to a status JSON text without parsing it again. */
export function withIpFlagged(json: string, flagged: boolean): string {
  return `${json.slice(0, -1)},"ipFlagged":${flagged}}`;
}

/** Adds `"stale": true` to a status JSON text (issue 9 point 3). */
export function withStale(json: string): string {
  return `${json.slice(0, -1)},"stale":true}`;
}
