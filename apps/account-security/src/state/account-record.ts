import type { AccountState } from "@loginguard/events";
import type { AccountFacts } from "../rules/types";

/** Who changed an account: the system (a rule), the player, or a staff member. */
export interface Actor {
  kind: "system" | "player" | "staff";
  id: string | null;
}

/** One account's security state as this service keeps it. */
export interface AccountRecord {
  accountId: string;
  locked: boolean;
  lockedAt: Date | null;
  lockReason: string | null;
  lockedBy: Actor | null;
  /** The login that caused the lock, when a login did. */
  lockLoginEventId: string | null;
  blockedCountries: string[];
  allowedCountries: string[];
  travel: { country: string; until: Date } | null;
  /** Countries the player confirmed ("yes, it was me"). */
  knownCountries: string[];
  /** When `failure_burst` last fired (one notice per burst). */
  failureBurstAt: Date | null;
  /** Bumped by every stored change; a cache keeps the highest it saw. */
  version: number;
}

/** An account this service has no row for: unlocked, no settings. */
export function emptyAccount(accountId: string): AccountRecord {
  return {
    accountId,
    locked: false,
    lockedAt: null,
    lockReason: null,
    lockedBy: null,
    lockLoginEventId: null,
    blockedCountries: [],
    allowedCountries: [],
    travel: null,
    knownCountries: [],
    failureBurstAt: null,
    version: 0,
  };
}

/** The state every consumer sees (`account.changed`, ingest's status answers). */
export function toAccountState(record: AccountRecord): AccountState {
  return {
    locked: record.locked,
    lockedAt: record.lockedAt?.toISOString() ?? null,
    reason: record.lockReason,
    blockedCountries: [...record.blockedCountries],
    allowedCountries: [...record.allowedCountries],
    travel: record.travel
      ? { country: record.travel.country, until: record.travel.until.toISOString() }
      : null,
  };
}

/** What the rules read of the account. */
export function toFacts(record: AccountRecord): AccountFacts {
  return {
    locked: record.locked,
    allowedCountries: record.allowedCountries,
    travel: record.travel,
    knownCountries: record.knownCountries,
    failureBurstAt: record.failureBurstAt,
  };
}

/** True when two records show consumers the same state (`account.changed` only on a difference). */
export function sameState(a: AccountRecord, b: AccountRecord): boolean {
  return JSON.stringify(toAccountState(a)) === JSON.stringify(toAccountState(b));
}
