import type { StaffRole } from "@loginguard/auth";
import type { MfaStore } from "./mfa-store";
import {
  type EnrolmentOffer,
  enrolmentOffer,
  hashRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  openEnrolmentToken,
} from "./totp";

/** What the second step needs. */
export interface SecondFactorDeps {
  mfa: MfaStore;
  /** Signs enrolment offers (the staff session secret). */
  key: string;
  /** STAFF_MFA: support staff must enrol too; admins always must. */
  supportRequired: boolean;
}

export type SecondFactorResult =
  | { outcome: "passed"; method: "totp" | "recovery" | "none" | "enrolled"; recoveryCodes?: string[] }
  | { outcome: "required" }
  | { outcome: "enrolment_required"; offer: EnrolmentOffer }
  | { outcome: "invalid" };

/**
 * The step after a correct password (docs/ARCHITECTURE.md section 6): a TOTP code (RFC 6238, each
 * time step once) or a single-use recovery code for members who enrolled; for members who must
 * and have not, an enrolment offer (QR code), completed by sending its token with a first code,
 * which answers ten recovery codes once. A wrong code is the caller's to count like a wrong password.
 */
export async function secondFactor(
  deps: SecondFactorDeps,
  account: { id: string; email: string; role: StaffRole },
  input: { code?: string; enrolmentToken?: string },
  now: Date,
): Promise<SecondFactorResult> {
  const state = await deps.mfa.state(account.id);
  const code = input.code?.trim();
  if (state.enabled && state.secret) {
    if (!code) return { outcome: "required" };
    const step = matchTotp(state.secret, account.email, code, now.getTime());
    if (step !== null)
      return (await deps.mfa.acceptStep(account.id, step))
        ? { outcome: "passed", method: "totp" }
        : { outcome: "invalid" };
    if (await deps.mfa.useRecoveryCode(account.id, hashRecoveryCode(code)))
      return { outcome: "passed", method: "recovery" };
    return { outcome: "invalid" };
  }
  const mustEnrol = account.role === "admin" || deps.supportRequired;
  if (!mustEnrol) return { outcome: "passed", method: "none" };
  if (input.enrolmentToken && code) {
    const secret = openEnrolmentToken(deps.key, input.enrolmentToken, account.id, now.getTime());
    const step = secret ? matchTotp(secret, account.email, code, now.getTime()) : null;
    if (!secret || step === null) return { outcome: "invalid" };
    const recovery = newRecoveryCodes();
    await deps.mfa.enable(account.id, secret, step, recovery.hashes, now);
    return { outcome: "passed", method: "enrolled", recoveryCodes: recovery.codes };
  }
  return {
    outcome: "enrolment_required",
    offer: await enrolmentOffer(deps.key, account.id, account.email, now.getTime()),
  };
}
