import {
  type AuthVariables,
  csrfTokenFor,
  STAFF_COOKIE,
  sealStaffSession,
  setStaffCookie,
} from "@loginguard/auth";
import type { AuditPublisher } from "@loginguard/bus";
import { HttpProblem, problems, readJson } from "@loginguard/http";
import type { Logger } from "@loginguard/observability";
import { Hono } from "hono";
import { deleteCookie } from "hono/cookie";
import { z } from "zod";
import { type SignInDeps, signIn } from "../staff/sign-in";
import type { StaffAccount } from "../staff/staff-store";
import { clientAddress } from "./client-address";
import type { PortalStaffAuthOptions } from "./staff-auth";
import { portalStaffAuth } from "./staff-auth";

/** `POST /v1/staff/sessions`. Lengths are bounded so a huge password cannot tie up argon2. */
export const SignInBody = z
  .object({
    email: z.string().trim().min(3).max(254),
    password: z.string().min(1).max(1024),
    /** The second step: a 6-digit TOTP code or a recovery code. */
    code: z.string().trim().min(1).max(32).optional(),
    /** An enrolment offer's token, sent back with its first code. */
    enrolmentToken: z.string().min(1).max(2048).optional(),
  })
  .strict();

export const STAFF_SESSIONS_PATH = "/v1/staff/sessions";

export interface StaffSessionRoutesOptions extends Omit<PortalStaffAuthOptions, "roles"> {
  signIn: SignInDeps;
  trustProxy: boolean;
  /** Sign-ins, failures and sign-outs go to the audit trail (docs/ARCHITECTURE.md section 6). */
  audit: AuditPublisher;
  logger: Logger;
}

/** A staff account on the wire. */
export function staffView(account: StaffAccount) {
  return {
    id: account.id,
    email: account.email,
    role: account.role,
    createdAt: account.createdAt.toISOString(),
    createdBy: account.createdBy,
    lastSignInAt: account.lastSignInAt?.toISOString() ?? null,
    disabledAt: account.disabledAt?.toISOString() ?? null,
  };
}

/** The same answer for an unknown email and a wrong password. */
const invalidCredentials = () =>
  new HttpProblem(401, "invalid-credentials", "Wrong email or password", {
    detail: "Check the email and password and try again",
  });

/**
 * Staff sign-in and sign-out: `POST /v1/staff/sessions {"email","password"}` sets the `lg_staff`
 * cookie and answers the CSRF token; `GET` tells who is signed in; `DELETE` signs out.
 */
export function staffSessionRoutes(options: StaffSessionRoutesOptions): Hono<{ Variables: AuthVariables }> {
  const routes = new Hono<{ Variables: AuthVariables }>();
  const staff = portalStaffAuth(options);
  const csrf = (sid: string) => csrfTokenFor(sid, options.sessionSecret);

  routes.post(STAFF_SESSIONS_PATH, async (c) => {
    const body = await readJson(c, SignInBody);
    const result = await signIn(options.signIn, {
      email: body.email,
      password: body.password,
      clientIp: clientAddress(c, options.trustProxy),
      userAgent: c.req.header("user-agent") ?? null,
      code: body.code,
      enrolmentToken: body.enrolmentToken,
    });
    c.header("cache-control", "no-store");
    if (result.outcome === "mfa_required") {
      throw new HttpProblem(401, "mfa-required", "A second factor is required", {
        detail: "Send the 6-digit code from the authenticator app, or a recovery code, as `code`",
      });
    }
    if (result.outcome === "mfa_enrolment_required") {
      const { secret, otpauthUri, qrDataUrl, enrolmentToken } = result.offer;
      throw new HttpProblem(401, "mfa-enrolment-required", "Set up a second factor to sign in", {
        detail: "Scan the QR code with an authenticator app, then send its code with `enrolmentToken`",
        enrolment: { secret, otpauthUri, qrDataUrl, enrolmentToken },
      });
    }
    const clientIp = clientAddress(c, options.trustProxy);
    if (result.outcome !== "signed_in") {
      // A failed attempt is audited, but an event log that is down must not hide the answer.
      await options
        .audit({
          actor: { kind: "staff", id: null, email: body.email.trim().toLowerCase() },
          accountId: null,
          action: "staff_sign_in_failed",
          reason: null,
          clientIp,
          details: { outcome: result.outcome },
        })
        .catch((err: unknown) =>
          options.logger.error({ err: String(err) }, "could not audit a failed sign-in"),
        );
      if (result.outcome === "throttled") throw problems.tooManyRequests(result.retryAfterSeconds);
      throw invalidCredentials();
    }
    try {
      await options.audit({
        actor: { kind: "staff", id: result.account.id, email: result.account.email },
        accountId: null,
        action: "staff_sign_in",
        reason: null,
        clientIp,
        details: { role: result.account.role, sid: result.session.sid, mfa: result.mfa },
      });
    } catch (err) {
      // No session that the audit trail does not know of.
      await options.sessions.end(result.session.sid, options.signIn.clock());
      throw problems.unavailable(
        "Signing in is unavailable (the audit trail cannot be written); try again",
        err,
      );
    }
    setStaffCookie(c, sealStaffSession(result.session, options.sessionSecret), options.secureCookies);
    c.header("cache-control", "no-store");
    return c.json({
      csrfToken: csrf(result.session.sid),
      staff: staffView(result.account),
      ...(result.recoveryCodes ? { recoveryCodes: result.recoveryCodes } : {}),
    });
  });

  routes.get(STAFF_SESSIONS_PATH, staff, (c) => {
    const who = c.var.staff;
    c.header("cache-control", "no-store");
    return c.json({
      staff: { id: who.id, email: who.email, role: who.role, via: who.via },
      csrfToken: who.sid ? csrf(who.sid) : null,
    });
  });

  routes.delete(STAFF_SESSIONS_PATH, staff, async (c) => {
    const who = c.var.staff;
    if (who.sid) await options.sessions.end(who.sid, options.signIn.clock());
    await options
      .audit({
        actor: { kind: "staff", id: who.id, email: who.email },
        accountId: null,
        action: "staff_sign_out",
        reason: null,
        clientIp: clientAddress(c, options.trustProxy),
        details: { sid: who.sid },
      })
      .catch((err: unknown) => options.logger.error({ err: String(err) }, "could not audit a sign-out"));
    deleteCookie(c, STAFF_COOKIE, {
      path: "/",
      httpOnly: true,
      sameSite: "Strict",
      secure: options.secureCookies,
    });
    return c.body(null, 204);
  });

  return routes;
}
