import type { CloudEvent, LoginLocated } from "@loginguard/events";
import { maskIp } from "./ip-mask";

/** The values of one `logger.logins` row, as inserted. */
export interface NewLoginRow {
  eventId: string;
  accountId: string;
  /** ISO text, truncated to the millisecond (what a JS Date and a cursor can hold). */
  occurredAt: string;
  result: "success" | "failure";
  failureReason: string | null;
  ip: string;
  ipMasked: string | null;
  ipClass: string;
  country: string | null;
  deviceId: string | null;
  userAgent: string | null;
  gameId: string | null;
  serverId: string | null;
  sessionId: string | null;
  source: string;
  correlationId: string;
  receivedAt: string;
}

/** Millisecond ISO text of an RFC 3339 time (sub-millisecond digits are dropped). */
export function toMillisecondIso(time: string): string {
  return new Date(time).toISOString();
}

/**
 * The history line of a located login. The IP kept is the normalized one (IPv4-mapped IPv6 as
 * IPv4), so one address is counted once across its spellings. A country is only kept for a public
 * address: private, reserved and unknown addresses never count as a country (docs/ARCHITECTURE.md section 7).
 */
export function loginRowOf(event: CloudEvent<string, LoginLocated>): NewLoginRow {
  const login = event.data;
  const ip = login.location.normalizedIp ?? login.ip.trim();
  return {
    eventId: login.eventId,
    accountId: login.accountId,
    occurredAt: toMillisecondIso(login.occurredAt),
    result: login.result,
    failureReason: login.failureReason ?? null,
    ip,
    ipMasked: maskIp(ip),
    ipClass: login.location.ipClass,
    country: login.location.ipClass === "public" ? login.location.country : null,
    deviceId: login.deviceId ?? null,
    userAgent: login.userAgent ?? null,
    gameId: login.gameId ?? null,
    serverId: login.serverId ?? null,
    sessionId: login.sessionId ?? null,
    source: login.source,
    correlationId: event.correlationId,
    receivedAt: toMillisecondIso(login.receivedAt),
  };
}
