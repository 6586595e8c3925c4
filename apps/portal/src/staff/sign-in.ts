import { newSessionId, type StaffSession } from "@loginguard/auth";
import { type SecondFactorDeps, secondFactor } from "../mfa/second-factor";
import type { EnrolmentOffer } from "../mfa/totp";
import { verifyAgainstDummy, verifyPassword } from "./passwords";
import type { StaffSessionStore } from "./session-store";
import type { SignInThrottle } from "./sign-in-throttle";
import { normalizeEmail, type StaffAccount, type StaffStore } from "./staff-store";

/** What a staff sign-in needs. */
export interface SignInDeps {
  staff: StaffStore;
  throttle: SignInThrottle;
  sessions: StaffSessionStore;
  clock: () => Date;
  secondFactor: SecondFactorDeps;
}

/** One sign-in attempt as the HTTP route received it. */
export interface SignInAttempt {
  email: string;
  password: string;
  clientIp: string | null;
  userAgent: string | null;
  /** A TOTP or recovery code (second step). */
  code?: string;
  /** The token of an enrolment offer, sent back with its first code. */
  enrolmentToken?: string;
}

export type SignInResult =
  | {
      outcome: "signed_in";
      session: StaffSession;
      account: StaffAccount;
      mfa: "totp" | "recovery" | "none" | "enrolled";
      /** Shown once, right after enrolment. */
      recoveryCodes?: string[];
    }
  /** The password was right; a TOTP or recovery code is needed. */
  | { outcome: "mfa_required" }
  | { outcome: "mfa_enrolment_required"; offer: EnrolmentOffer }
  /** Unknown email or wrong password: the caller cannot tell which. */
  | { outcome: "invalid" }
  | { outcome: "throttled"; retryAfterSeconds: number };

/**
 * Checks a staff member's email and password. Refused without looking at the password when the
 * email or address is over its failure limit; an unknown email costs the same argon2 work as a
 * wrong password; a success forgets the email's failures and opens a recorded session.
 */
export async function signIn(deps: SignInDeps, attempt: SignInAttempt): Promise<SignInResult> {
  const email = normalizeEmail(attempt.email);
  const now = deps.clock();
  const verdict = await deps.throttle.check(email, attempt.clientIp, now);
  if (!verdict.allowed) return { outcome: "throttled", retryAfterSeconds: verdict.retryAfterSeconds };

  const found = await deps.staff.credentials(email);
  const ok = found
    ? await verifyPassword(found.passwordHash, attempt.password)
    : await verifyAgainstDummy(attempt.password);
  if (!found || !ok || found.disabledAt) {
    await deps.throttle.recordFailure(email, attempt.clientIp, now);
    return { outcome: "invalid" };
  }

  const { passwordHash: _hash, ...account } = found;
  const second = await secondFactor(deps.secondFactor, account, attempt, now);
  if (second.outcome === "invalid") {
    await deps.throttle.recordFailure(email, attempt.clientIp, now);
    return { outcome: "invalid" };
  }
  if (second.outcome === "required") return { outcome: "mfa_required" };
  if (second.outcome === "enrolment_required")
    return { outcome: "mfa_enrolment_required", offer: second.offer };
  await deps.throttle.clearEmail(email);
  const session: StaffSession = {
    sid: newSessionId(),
    staffId: account.id,
    email: account.email,
    role: account.role,
    issuedAt: now.getTime(),
    lastActiveAt: now.getTime(),
  };
  await deps.sessions.open({
    sid: session.sid,
    staffId: account.id,
    at: now,
    clientIp: attempt.clientIp,
    userAgent: attempt.userAgent,
  });
  await deps.staff.recordSignIn(account.id, now);
  return {
    outcome: "signed_in",
    session,
    account: { ...account, lastSignInAt: now },
    mfa: second.method,
    recoveryCodes: second.recoveryCodes,
  };
}
