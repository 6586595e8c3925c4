import type { OutgoingRecord } from "@loginguard/bus";
import { type AccountState, EVENT_TYPES, encodeEvent, makeEvent, TOPICS } from "@loginguard/events";

/** An `account.changed` record as account-security publishes it. */
export function accountChangedRecord(
  accountId: string,
  state: AccountState,
  id: string,
  version?: number,
): OutgoingRecord {
  const event = makeEvent({
    id,
    type: EVENT_TYPES.accountChanged,
    source: "loginguard/account-security",
    subject: accountId,
    correlationId: id,
    data: {
      accountId,
      change: state.locked ? "locked" : "unlocked",
      at: new Date().toISOString(),
      by: { kind: "system", id: null },
      reason: state.reason,
      loginEventId: null,
      state,
      ...(version === undefined ? {} : { version }),
    },
  });
  return { topic: TOPICS.accountChanged, ...encodeEvent(event) };
}

/** An `ip.flagged` record (keyed by the IP). */
export function ipFlaggedRecord(ip: string, untilMs: number, id: string): OutgoingRecord {
  const event = makeEvent({
    id,
    type: EVENT_TYPES.ipFlagged,
    source: "loginguard/account-security",
    subject: ip,
    correlationId: id,
    data: {
      ip,
      failedAccounts: 40,
      flaggedAt: new Date().toISOString(),
      until: new Date(untilMs).toISOString(),
    },
  });
  return { topic: TOPICS.ipFlagged, ...encodeEvent(event) };
}

export const LOCKED: AccountState = {
  locked: true,
  lockedAt: "2026-05-01T12:00:00.000Z",
  reason: "impossible_travel",
  blockedCountries: ["KP"],
  allowedCountries: ["KR"],
  travel: { country: "JP", until: "2026-06-01T00:00:00.000Z" },
};
