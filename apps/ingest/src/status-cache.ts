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
  /** Most accounts with a non-default state held; the least recently changed go first. */
  maxAccounts: number;
  /** Most flagged IPs held; the oldest flags go first. */
  maxFlaggedIps: number;
  /** Called when an entry is dropped to stay within a bound (log it: answers may be wrong). */
  onEvict?: (what: "account" | "ip") => void;
  now?: () => number;
}

/**
 * What `GET /v1/accounts/{id}/status` answers, kept in memory (docs/ARCHITECTURE.md section 6: well under
 * a millisecond, never a database).
 *
 * Only accounts whose state differs from the default (locked, or with country lists or a
 * travel allowance) are held, each as its ready-to-send JSON text, so memory follows the number
 * of such accounts (about 350 bytes each with 36-character ids, see bench.ts) and an answer is a Map lookup.
 */
export class StatusCache {
  readonly #accounts = new Map<string, string>();
  /** normalised IP -> flagged until (ms). */
  readonly #flagged = new Map<string, number>();
  readonly #options: StatusCacheOptions;
  readonly #now: () => number;

  constructor(options: StatusCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Applies an `account.changed` event: the event carries the whole new state. */
  setAccount(accountId: string, state: AccountState): void {
    this.#accounts.delete(accountId);
    if (isDefault(state)) return;
    this.#accounts.set(accountId, statusJson(state));
    if (this.#accounts.size > this.#options.maxAccounts) {
      const oldest = this.#accounts.keys().next().value;
      if (oldest !== undefined) this.#accounts.delete(oldest);
      this.#options.onEvict?.("account");
    }
  }

  /** Applies a tombstone on `account.changed` (the account was erased): back to the default status. */
  forgetAccount(accountId: string): void {
    this.#accounts.delete(accountId);
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
    return this.#accounts.get(accountId) ?? DEFAULT_STATUS_JSON;
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
    return this.#accounts.size;
  }

  get flaggedIpCount(): number {
    return this.#flagged.size;
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
