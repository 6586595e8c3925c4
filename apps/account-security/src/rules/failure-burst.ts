import { minutesBetween } from "./location";
import type { RuleContext, RuleHit } from "./types";

/**
 * `failure_burst`: failed logins on the account reached `minFailures` in the logger's failure
 * window. Notify only: a lock that anyone who knows an account name can trigger is a denial of
 * service. Fires once per burst: quiet for `quietMinutes` after it fired on the account.
 */
export function failureBurstRule(ctx: RuleContext): RuleHit | null {
  const { login, account } = ctx;
  const settings = ctx.rules.rules.failure_burst;
  if (login.result !== "failure" || login.history.recentFailures < settings.minFailures) return null;
  if (account.failureBurstAt && minutesBetween(account.failureBurstAt, ctx.now) < settings.quietMinutes) {
    return null;
  }
  return {
    code: "failure_burst",
    actions: ["notify"],
    evidence: {
      failures: login.history.recentFailures,
      windowMinutes: login.history.failureWindowMinutes,
    },
  };
}
