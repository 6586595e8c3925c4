import { EVENT_TYPES, type LoginGuardEvent, makeEvent, newEventId } from "@loginguard/events";

/** A `security.decided` event as account-security emits it. */
export function decidedEvent(
  accountId: string,
  rules: Array<{ code: "impossible_travel" | "new_country" | "failure_burst"; mode?: "enforce" | "shadow" }>,
  at = new Date(),
): LoginGuardEvent<typeof EVENT_TYPES.securityDecided> {
  const loginId = newEventId();
  return makeEvent({
    id: newEventId(),
    type: EVENT_TYPES.securityDecided,
    source: "account-security",
    subject: accountId,
    correlationId: loginId,
    time: at.toISOString(),
    data: {
      accountId,
      loginEventId: loginId,
      occurredAt: at.toISOString(),
      action: "notify",
      actions: ["notify"],
      reasons: rules.map((r) => ({
        code: r.code,
        action: "notify",
        mode: r.mode ?? "enforce",
        evidence: {},
      })),
      channels: ["email"],
      country: "BR",
    },
  });
}

/** An `account.changed` event carrying a lock or an unlock. */
export function lockEvent(
  accountId: string,
  locked: boolean,
  at = new Date(),
  version?: number,
): LoginGuardEvent<typeof EVENT_TYPES.accountChanged> {
  return makeEvent({
    id: newEventId(),
    type: EVENT_TYPES.accountChanged,
    source: "account-security",
    subject: accountId,
    correlationId: newEventId(),
    time: at.toISOString(),
    data: {
      accountId,
      change: locked ? "locked" : "unlocked",
      at: at.toISOString(),
      by: { kind: locked ? "system" : "staff", id: null },
      reason: locked ? "impossible_travel" : "checked by phone",
      loginEventId: null,
      ...(version === undefined ? {} : { version }),
      state: {
        locked,
        lockedAt: locked ? at.toISOString() : null,
        reason: locked ? "impossible_travel" : null,
        blockedCountries: [],
        allowedCountries: [],
        travel: null,
      },
    },
  });
}
