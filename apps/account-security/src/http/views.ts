import type { SecurityDecided } from "@loginguard/events";
import { explainDecision, type Lang } from "@loginguard/i18n";
import { type AccountRecord, toAccountState } from "../state/account-record";
import type { AuditRecord } from "../state/audit-log";
import type { UnlockChallenge, UnlockPolicy } from "../state/unlock-challenges";

/** The pending unlock code as the player may see it (never the code). */
export function challengeView(challenge: UnlockChallenge | undefined, policy: UnlockPolicy, now: Date) {
  if (!challenge) return null;
  return {
    channel: challenge.channel,
    createdAt: challenge.createdAt.toISOString(),
    expiresAt: challenge.expiresAt.toISOString(),
    expired: challenge.expiresAt.getTime() <= now.getTime(),
    triesLeft: Math.max(0, policy.maxTries - challenge.tries),
  };
}

/** `GET /v1/me/security`: the player's own state and settings. */
export function playerSecurityView(
  record: AccountRecord,
  challenge: UnlockChallenge | undefined,
  policy: UnlockPolicy,
  now: Date,
) {
  return {
    accountId: record.accountId,
    ...toAccountState(record),
    knownCountries: record.knownCountries,
    unlock: record.locked ? challengeView(challenge, policy, now) : null,
  };
}

/** `GET /v1/accounts/{accountId}/security`: everything staff need to judge an unlock. */
export function staffSecurityView(
  record: AccountRecord,
  challenge: UnlockChallenge | undefined,
  decisions: Array<{ decidedAt: Date; decision: SecurityDecided }>,
  policy: UnlockPolicy,
  now: Date,
  lang: Lang,
) {
  return {
    accountId: record.accountId,
    state: toAccountState(record),
    lockedBy: record.lockedBy,
    lockLoginEventId: record.lockLoginEventId,
    knownCountries: record.knownCountries,
    failureBurstAt: record.failureBurstAt?.toISOString() ?? null,
    unlockChallenge: challengeView(challenge, policy, now),
    decisions: decisions.map(({ decidedAt, decision }) => ({
      decidedAt: decidedAt.toISOString(),
      ...decision,
      explanation: explainDecision(decision.action, decision.reasons, lang),
    })),
  };
}

/** One audit record on the wire. */
export function auditView(record: AuditRecord) {
  return { ...record, at: record.at.toISOString() };
}
