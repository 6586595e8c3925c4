import {
  deriveEventId,
  EVENT_TYPES,
  type HistoryContext,
  type IpClass,
  type LoginGuardEvent,
  type LoginRecorded,
  makeEvent,
} from "@loginguard/events";
import type { AccountFacts } from "../src/rules/types";

/** Options for {@link recordedLogin}: the login's main facts, everything else defaulted. */
export interface LoginFixture {
  eventId?: string;
  accountId?: string;
  occurredAt?: string;
  result?: "success" | "failure";
  ip?: string;
  country?: string | null;
  ipClass?: IpClass;
  gameId?: string;
  sessionId?: string;
  history?: Partial<HistoryContext>;
}

let counter = 0;

/** A `login.recorded` payload as the logger would emit it. */
export function recordedLogin(f: LoginFixture = {}): LoginRecorded {
  counter += 1;
  const ip = f.ip ?? "203.0.113.10";
  return {
    eventId: f.eventId ?? `login-${counter}`,
    accountId: f.accountId ?? "acc-1",
    occurredAt: f.occurredAt ?? "2026-03-01T12:00:00.000Z",
    ip,
    result: f.result ?? "success",
    ...(f.gameId ? { gameId: f.gameId } : {}),
    sessionId: f.sessionId ?? `session-${counter}`,
    serverId: "srv-1",
    receivedAt: f.occurredAt ?? "2026-03-01T12:00:00.000Z",
    source: "test",
    location: {
      country: f.country === undefined ? "KR" : f.country,
      ipClass: f.ipClass ?? "public",
      ipRange: null,
      normalizedIp: ip,
      geoipDatabase: { type: "test", buildEpoch: 0 },
    },
    history: {
      previousSuccess: null,
      countriesSeen: [],
      windowDays: 90,
      recentFailures: 0,
      failureWindowMinutes: 15,
      ipFailedAccounts: 0,
      ...f.history,
    },
  };
}

/** An account with no state: unlocked, no settings. */
export function plainAccount(over: Partial<AccountFacts> = {}): AccountFacts {
  return {
    locked: false,
    allowedCountries: [],
    travel: null,
    knownCountries: [],
    failureBurstAt: null,
    ...over,
  };
}

/** `iso` plus `minutes`, as an ISO string. */
export function plusMinutes(iso: string, minutes: number): string {
  return new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();
}

/** A `login.recorded` CloudEvent as the logger publishes it (id derived from the login's). */
export function recordedEvent(data: LoginRecorded): LoginGuardEvent<typeof EVENT_TYPES.loginRecorded> {
  return makeEvent({
    id: deriveEventId("logger", data.eventId),
    type: EVENT_TYPES.loginRecorded,
    source: "loginguard/logger",
    subject: data.accountId,
    correlationId: data.eventId,
    data,
  });
}
