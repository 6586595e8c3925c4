import { newCountryOf } from "./new-country";
import type { RuleContext, RuleHit } from "./types";

/**
 * `takeover_suspected`: a successful login from a new country right after a burst of failures on
 * the account (`minFailures` in the logger's failure window), or from an IP that failed on many
 * accounts (`minIpFailedAccounts` in the window, or a live `credential_stuffing` flag), or (with
 * `newDeviceInNewCountry`) on a device none of the account's successful logins in the window used.
 * Lock + kick + notify.
 */
export function takeoverSuspectedRule(ctx: RuleContext): RuleHit | null {
  const settings = ctx.rules.rules.takeover_suspected;
  const country = newCountryOf(ctx);
  if (!country) return null;
  const { history } = ctx.login;
  const flag = liveFlag(ctx);
  const ipFailedAccounts = Math.max(history.ipFailedAccounts, flag?.failedAccounts ?? 0);
  const afterFailures = history.recentFailures >= settings.minFailures;
  const fromStuffingIp = flag !== null || ipFailedAccounts >= settings.minIpFailedAccounts;
  // A new country on a device the account never used: a traveller brings their own device.
  const onNewDevice = settings.newDeviceInNewCountry && history.deviceSeen === false;
  if (!afterFailures && !fromStuffingIp && !onNewDevice) return null;
  const cause =
    afterFailures && fromStuffingIp
      ? "both"
      : afterFailures
        ? "account_failures"
        : fromStuffingIp
          ? "ip_failures"
          : "new_device";
  return {
    code: "takeover_suspected",
    actions: ["lock", "kick", "notify"],
    evidence: {
      country,
      failures: history.recentFailures,
      windowMinutes: history.failureWindowMinutes,
      ipFailedAccounts,
      cause,
    },
  };
}

/** The IP's credential-stuffing flag when it was live at the login's time. */
export function liveFlag(ctx: RuleContext): RuleContext["ipFlag"] {
  const flag = ctx.ipFlag;
  return flag && new Date(ctx.login.occurredAt) <= flag.until ? flag : null;
}
