import {
  type AccountChanged,
  EVENT_TYPES,
  type LoginGuardEvent,
  makeEvent,
  type NotificationRequested,
  newEventId,
  type Reason,
  type SecurityDecided,
} from "@loginguard/events";

export const reasons = {
  newCountry: (country = "BR"): Reason => ({
    code: "new_country",
    action: "notify",
    mode: "enforce",
    evidence: { country },
  }),
  impossibleTravel: (country = "BR"): Reason => ({
    code: "impossible_travel",
    action: "lock",
    mode: "enforce",
    evidence: { country, previousCountry: "KR", elapsedMinutes: 10, distanceKm: 18_300, speedKmh: 109_800 },
  }),
  notAllowed: (country = "RU"): Reason => ({
    code: "country_not_allowed",
    action: "block",
    mode: "enforce",
    evidence: { country, allowedCountries: ["KR"] },
  }),
};

/** A `security.decided` event; `id` defaults to a fresh one. */
export function decisionEvent(
  overrides: Partial<SecurityDecided> & { id?: string } = {},
): LoginGuardEvent<"loginguard.security.decided.v1"> {
  const { id = newEventId(), ...data } = overrides;
  const loginEventId = data.loginEventId ?? `login-${id}`;
  return makeEvent({
    id,
    type: EVENT_TYPES.securityDecided,
    source: "loginguard/account-security",
    subject: data.accountId ?? "acct-1",
    correlationId: loginEventId,
    data: {
      accountId: "acct-1",
      loginEventId,
      occurredAt: new Date().toISOString(),
      action: "notify",
      actions: ["notify"],
      reasons: [reasons.newCountry()],
      channels: ["email", "sms", "in_game"],
      country: "BR",
      gameId: "game-1",
      serverId: "srv-1",
      sessionId: "sess-1",
      ...data,
    },
  });
}

/** A lock + kick + notify decision (impossible travel). */
export function lockDecision(overrides: Partial<SecurityDecided> & { id?: string } = {}) {
  return decisionEvent({
    action: "lock",
    actions: ["lock", "kick", "notify"],
    reasons: [reasons.impossibleTravel()],
    ...overrides,
  });
}

export function requestedEvent(
  overrides: Partial<NotificationRequested> & { id?: string } = {},
): LoginGuardEvent<"loginguard.notification.requested.v1"> {
  const { id = newEventId(), ...data } = overrides;
  return makeEvent({
    id,
    type: EVENT_TYPES.notificationRequested,
    source: "loginguard/portal",
    subject: data.accountId ?? "acct-1",
    correlationId: id,
    data: {
      accountId: "acct-1",
      template: "unlock_code",
      channel: null,
      params: { code: "482913" },
      requestedAt: new Date().toISOString(),
      ...data,
    },
  });
}

export function unlockedEvent(
  overrides: Partial<AccountChanged> & { id?: string } = {},
): LoginGuardEvent<"loginguard.account.changed.v1"> {
  const { id = newEventId(), ...data } = overrides;
  return makeEvent({
    id,
    type: EVENT_TYPES.accountChanged,
    source: "loginguard/account-security",
    subject: data.accountId ?? "acct-1",
    correlationId: id,
    data: {
      accountId: "acct-1",
      change: "unlocked",
      at: new Date().toISOString(),
      by: { kind: "staff", id: "staff-7" },
      reason: "verified the player by phone",
      loginEventId: null,
      state: {
        locked: false,
        lockedAt: null,
        reason: null,
        blockedCountries: [],
        allowedCountries: [],
        travel: null,
      },
      ...data,
    },
  });
}
