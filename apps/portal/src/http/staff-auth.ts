import {
  type ApiKeys,
  type AuthVariables,
  type StaffRevocations,
  type StaffRole,
  staffAuth,
} from "@loginguard/auth";
import { problems } from "@loginguard/http";
import type { MiddlewareHandler } from "hono";
import type { StaffSessionStore } from "../staff/session-store";

export interface PortalStaffAuthOptions {
  sessionSecret: string;
  adminKeys: ApiKeys;
  secureCookies: boolean;
  sessions: StaffSessionStore;
  /** Sessions signed out or voided (also by another portal replica), refused at once. */
  revocations?: StaffRevocations;
  /** Roles allowed; default both. */
  roles?: StaffRole[];
}

/**
 * `staffAuth` (session cookie with CSRF on changes, or an admin API key) plus the portal's own
 * check that a session was not signed out: the portal keeps the session records.
 */
export function portalStaffAuth(
  options: PortalStaffAuthOptions,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const base = staffAuth({
    sessionSecret: options.sessionSecret,
    adminKeys: options.adminKeys,
    secureCookies: options.secureCookies,
    roles: options.roles,
    revocations: options.revocations,
  });
  return (c, next) =>
    base(c, async () => {
      const { via, sid } = c.var.staff;
      if (via === "session" && sid && !(await options.sessions.isActive(sid))) {
        throw problems.unauthorized("This session was signed out; sign in again");
      }
      await next();
    });
}
