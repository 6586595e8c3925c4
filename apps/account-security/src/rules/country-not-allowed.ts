import { countryOf } from "./location";
import type { RuleContext, RuleHit } from "./types";

/**
 * `country_not_allowed`: the account or the game allows only some countries, this successful
 * login's country is not among them, and no live travel allowance (checked at the login's time)
 * covers it. Logins that cannot be located never fire: there is nothing to block. Block + notify.
 */
export function countryNotAllowedRule(ctx: RuleContext): RuleHit | null {
  const { login, account } = ctx;
  const country = countryOf(login);
  if (login.result !== "success" || !country) return null;
  const accountList = account.allowedCountries;
  const gameList = ctx.rules.gameAllowedCountries;
  const refusedBy =
    accountList.length > 0 && !accountList.includes(country)
      ? accountList
      : gameList.length > 0 && !gameList.includes(country)
        ? gameList
        : null;
  if (!refusedBy) return null;
  const travel = account.travel;
  if (travel && travel.country === country && new Date(login.occurredAt) <= travel.until) return null;
  return {
    code: "country_not_allowed",
    actions: ["block", "notify"],
    evidence: { country, allowedCountries: [...refusedBy] },
  };
}
