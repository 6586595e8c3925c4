import { problems } from "@loginguard/http";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { type ApiKeys, bearerToken, matchApiKey } from "./api-keys";
import { verifyPlayerToken } from "./player-token";
import type { StaffRevocations } from "./revocations";
import {
  checkCsrfToken,
  DEFAULT_SESSION_TIMEOUTS,
  openStaffSession,
  type SessionTimeouts,
  type StaffRole,
  sealStaffSession,
} from "./staff-session";

export const PLAYER_COOKIE = "lg_player";
export const STAFF_COOKIE = "lg_staff";

/** Who a staff request is from: a signed-in staff member, or an admin API key. */
export interface StaffPrincipal {
  id: string;
  email: string | null;
  role: StaffRole;
  via: "session" | "api-key";
  sid: string | null;
}

export type AuthVariables = {
  accountId: string;
  apiKeyName: string;
  staff: StaffPrincipal;
};

/** Requires `Authorization: Bearer <key>` with one of `keys`; sets `apiKeyName`. 401 otherwise. */
export function apiKeyAuth(keys: ApiKeys): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const name = matchApiKey(keys, bearerToken(c.req.header("authorization")));
    if (!name) throw problems.unauthorized("Send Authorization: Bearer <API key>");
    c.set("apiKeyName", name);
    await next();
  };
}

/**
 * Requires a player: a token in `Authorization: Bearer` or the session cookie set by
 * `/auth/player`. Sets `accountId`; a player only ever reaches their own account.
 */
export function playerAuth(secret: string): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const token = bearerToken(c.req.header("authorization")) ?? getCookie(c, PLAYER_COOKIE);
    const player = token ? await verifyPlayerToken(token, secret) : undefined;
    if (!player)
      throw problems.unauthorized("Sign in again: the player token is missing, invalid or expired");
    c.set("accountId", player.accountId);
    await next();
  };
}

export interface StaffAuthOptions {
  sessionSecret: string;
  /** Admin API keys (`ADMIN_API_KEYS`): act as role admin without a session. */
  adminKeys?: ApiKeys;
  timeouts?: SessionTimeouts;
  /** Set the cookie's Secure flag (production). */
  secureCookies?: boolean;
  /** Roles allowed; default both. */
  roles?: StaffRole[];
  /** Sessions signed out or voided elsewhere (sign-out, staff disabled): refused at once. */
  revocations?: StaffRevocations;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Requires staff: a session cookie (refreshed on use, so it expires only when idle) with the
 * CSRF token in `x-csrf-token` on every change, or an admin API key. Sets `staff`.
 */
export function staffAuth(options: StaffAuthOptions): MiddlewareHandler<{ Variables: AuthVariables }> {
  const timeouts = options.timeouts ?? DEFAULT_SESSION_TIMEOUTS;
  return async (c, next) => {
    const keyName = options.adminKeys
      ? matchApiKey(options.adminKeys, bearerToken(c.req.header("authorization")))
      : undefined;
    if (keyName) {
      c.set("staff", { id: `api-key:${keyName}`, email: null, role: "admin", via: "api-key", sid: null });
    } else {
      const session = openStaffSession(getCookie(c, STAFF_COOKIE), options.sessionSecret, timeouts);
      if (!session) throw problems.unauthorized("Sign in to the console: no session, or it expired");
      if (options.revocations?.isRevoked(session)) {
        throw problems.unauthorized("This session was signed out; sign in again");
      }
      if (
        !SAFE_METHODS.has(c.req.method) &&
        !checkCsrfToken(session.sid, c.req.header("x-csrf-token"), options.sessionSecret)
      ) {
        throw problems.forbidden("Missing or wrong x-csrf-token");
      }
      const now = Date.now();
      // Sliding idle timeout: re-issue at most once a minute.
      if (now - session.lastActiveAt > 60_000) {
        setStaffCookie(
          c,
          sealStaffSession({ ...session, lastActiveAt: now }, options.sessionSecret),
          options.secureCookies ?? false,
        );
      }
      c.set("staff", {
        id: session.staffId,
        email: session.email,
        role: session.role,
        via: "session",
        sid: session.sid,
      });
    }
    const roles = options.roles ?? ["support", "admin"];
    if (!roles.includes(c.get("staff").role)) throw problems.forbidden(`Needs role ${roles.join(" or ")}`);
    await next();
  };
}

/** Sets a session cookie: HttpOnly, SameSite=Strict, Path=/, Secure in production. */
export function setStaffCookie(c: Context, value: string, secure: boolean): void {
  setCookie(c, STAFF_COOKIE, value, { httpOnly: true, sameSite: "Strict", secure, path: "/" });
}

export function setPlayerCookie(c: Context, token: string, secure: boolean, maxAgeSeconds: number): void {
  setCookie(c, PLAYER_COOKIE, token, {
    httpOnly: true,
    sameSite: "Strict",
    secure,
    path: "/",
    maxAge: maxAgeSeconds,
  });
}
