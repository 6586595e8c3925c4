import { countryOf } from "./location";
import { liveFlag } from "./takeover-suspected";
import type { RuleContext, RuleHit } from "./types";

/**
 * The IP of a failed login that failed on at least `minAccounts` distinct accounts in the
 * logger's failure window: a credential-stuffing source to flag. Only public IPs are flagged
 * (private and reserved ones say nothing about who is behind them).
 */
export function stuffingSourceOf(ctx: RuleContext): { failedAccounts: number } | null {
  const { login } = ctx;
  if (login.result !== "failure" || login.location.ipClass !== "public") return null;
  const failedAccounts = login.history.ipFailedAccounts;
  return failedAccounts >= ctx.rules.rules.credential_stuffing.minAccounts ? { failedAccounts } : null;
}

/**
 * `credential_stuffing` on an account: a successful login from an IP flagged for failing on many
 * accounts (a live flag, or the logger's count at this login over the threshold). Notify.
 */
export function credentialStuffingRule(ctx: RuleContext): RuleHit | null {
  const { login } = ctx;
  if (login.result !== "success" || login.location.ipClass !== "public") return null;
  const flag = liveFlag(ctx);
  const failedAccounts = Math.max(login.history.ipFailedAccounts, flag?.failedAccounts ?? 0);
  if (!flag && failedAccounts < ctx.rules.rules.credential_stuffing.minAccounts) return null;
  const country = countryOf(login);
  return {
    code: "credential_stuffing",
    actions: ["notify"],
    evidence: { ipFailedAccounts: failedAccounts, ...(country ? { country } : {}) },
  };
}
