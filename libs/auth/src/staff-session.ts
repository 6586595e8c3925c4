import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type StaffRole = "support" | "admin";

/** What a staff session cookie carries, signed (not encrypted: nothing secret in it). */
export interface StaffSession {
  sid: string;
  staffId: string;
  email: string;
  role: StaffRole;
  /** Epoch ms of sign-in; sessions end after `absoluteTimeoutMs` whatever happens. */
  issuedAt: number;
  /** Epoch ms of the last request; sessions end after `idleTimeoutMs` without one. */
  lastActiveAt: number;
}

export interface SessionTimeouts {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
}

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = {
  idleTimeoutMs: 30 * 60_000,
  absoluteTimeoutMs: 12 * 3600_000,
};

function sign(secret: string, text: string): string {
  return createHmac("sha256", secret).update(text).digest("base64url");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function newSessionId(): string {
  return randomBytes(18).toString("base64url");
}

/** The cookie value for a session: base64url JSON, a dot, its HMAC. */
export function sealStaffSession(session: StaffSession, secret: string): string {
  const body = Buffer.from(JSON.stringify(session)).toString("base64url");
  return `${body}.${sign(secret, `session:${body}`)}`;
}

/** The session of a cookie value, or undefined when forged, malformed, idle too long or too old. */
export function openStaffSession(
  value: string | undefined,
  secret: string,
  timeouts: SessionTimeouts = DEFAULT_SESSION_TIMEOUTS,
  now = Date.now(),
): StaffSession | undefined {
  if (!value) return undefined;
  const [body, mac] = value.split(".");
  if (!body || !mac || !safeEqual(mac, sign(secret, `session:${body}`))) return undefined;
  let session: StaffSession;
  try {
    session = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as StaffSession;
  } catch {
    return undefined;
  }
  if (session.role !== "support" && session.role !== "admin") return undefined;
  if (now - session.lastActiveAt > timeouts.idleTimeoutMs) return undefined;
  if (now - session.issuedAt > timeouts.absoluteTimeoutMs) return undefined;
  return session;
}

/** The CSRF token of a session (synchroniser token bound to the session id). */
export function csrfTokenFor(sid: string, secret: string): string {
  return sign(secret, `csrf:${sid}`);
}

export function checkCsrfToken(sid: string, presented: string | undefined, secret: string): boolean {
  return presented !== undefined && safeEqual(presented, csrfTokenFor(sid, secret));
}
