import type { LoginRecorded, RuleCode } from "@loginguard/events";
import type { EffectiveRules } from "../rules/config";
import type { Evaluation } from "../rules/evaluate";
import { countryOf } from "../rules/location";
import type { AccountRecord } from "../state/account-record";
import type { IpFlag } from "../state/ip-flag-store";
import { blockCountry, lock, markFailureBurst } from "../state/transitions";

/** A change of an account's state that a decision makes. */
export type AccountOp = (record: AccountRecord) => AccountRecord;

/**
 * The state changes an evaluation makes: lock (for the first enforced reason asking for it),
 * block the login's country, and the failure-burst quiet period. Kicks and notifications are
 * the responder's; shadow reasons change nothing.
 */
export function accountOpsOf(evaluation: Evaluation, login: LoginRecorded, now: Date): AccountOp[] {
  const ops: AccountOp[] = [];
  const enforced = evaluation.reasons.filter((r) => r.mode === "enforce");
  const lockReason = enforced.find((r) => r.actions.includes("lock"))?.code;
  if (lockReason) {
    ops.push((r) =>
      lock(r, { at: now, reason: lockReason, by: { kind: "system", id: null }, loginEventId: login.eventId }),
    );
  }
  const country = countryOf(login);
  if (country && enforced.some((r) => r.actions.includes("block"))) ops.push((r) => blockCountry(r, country));
  if (evaluation.failureBurstFired) ops.push((r) => markFailureBurst(r, now));
  return ops;
}

/** The rule code to give as the reason of the account change a decision made. */
export function changeReasonOf(evaluation: Evaluation): RuleCode | null {
  const enforced = evaluation.reasons.filter((r) => r.mode === "enforce");
  return (
    (enforced.find((r) => r.actions.includes("lock")) ?? enforced.find((r) => r.actions.includes("block")))
      ?.code ?? null
  );
}

/**
 * The flag to write for a credential-stuffing source, or null when a live flag already covers
 * it: a flag is raised once and refreshed when less than half its time is left, so an IP that
 * keeps failing does not publish an `ip.flagged` per failure.
 */
export function flagToRaise(
  evaluation: Evaluation,
  existing: IpFlag | null,
  rules: EffectiveRules,
  now: Date,
): IpFlag | null {
  const source = evaluation.flagIp;
  if (!source) return null;
  const lifetimeMs = rules.rules.credential_stuffing.flagMinutes * 60_000;
  const enforced = source.mode === "enforce";
  const live = existing && existing.until.getTime() > now.getTime() ? existing : null;
  if (live && live.until.getTime() - now.getTime() > lifetimeMs / 2 && (live.enforced || !enforced))
    return null;
  return {
    ip: source.ip,
    failedAccounts: Math.max(source.failedAccounts, live?.failedAccounts ?? 0),
    flaggedAt: now,
    until: new Date(now.getTime() + lifetimeMs),
    enforced: enforced || (live?.enforced ?? false),
  };
}
