import type { AccountRecord, Actor } from "./account-record";

/**
 * Pure state transitions: each takes a record and returns the next one (or the same object when
 * nothing changes), so the stage can apply them to a working copy and again, inside the
 * transaction, to the row it locked.
 */

/** Locks an unlocked account; a locked account keeps its first lock's facts. */
export function lock(
  record: AccountRecord,
  facts: { at: Date; reason: string; by: Actor; loginEventId: string | null },
): AccountRecord {
  if (record.locked) return record;
  return {
    ...record,
    locked: true,
    lockedAt: facts.at,
    lockReason: facts.reason,
    lockedBy: facts.by,
    lockLoginEventId: facts.loginEventId,
  };
}

/** Unlocks and clears the lock's counters (the failure-burst quiet period starts over). */
export function unlock(record: AccountRecord): AccountRecord {
  if (!record.locked) return record;
  return {
    ...record,
    locked: false,
    lockedAt: null,
    lockReason: null,
    lockedBy: null,
    lockLoginEventId: null,
    failureBurstAt: null,
  };
}

/** Adds a country to the blocked list. */
export function blockCountry(record: AccountRecord, country: string): AccountRecord {
  if (record.blockedCountries.includes(country)) return record;
  return { ...record, blockedCountries: [...record.blockedCountries, country].sort() };
}

/**
 * Replaces the player's settings. A country the new settings allow (listed, or the travel
 * country) is no longer blocked: the player has just said it is theirs.
 */
export function changeSettings(
  record: AccountRecord,
  settings: { allowedCountries: string[]; travel: { country: string; until: Date } | null },
): AccountRecord {
  const allowed = new Set(settings.allowedCountries);
  if (settings.travel) allowed.add(settings.travel.country);
  return {
    ...record,
    allowedCountries: [...new Set(settings.allowedCountries)].sort(),
    travel: settings.travel,
    blockedCountries: record.blockedCountries.filter((c) => !allowed.has(c)),
  };
}

/** Adds a country the player confirmed to the known set. */
export function confirmCountry(record: AccountRecord, country: string): AccountRecord {
  if (record.knownCountries.includes(country)) return record;
  return { ...record, knownCountries: [...record.knownCountries, country].sort() };
}

/** Remembers that `failure_burst` fired. */
export function markFailureBurst(record: AccountRecord, at: Date): AccountRecord {
  return { ...record, failureBurstAt: at };
}
