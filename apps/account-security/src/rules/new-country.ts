import { isCountryCode } from "@loginguard/events";
import { countryOf } from "./location";
import type { RuleContext, RuleHit } from "./types";

/**
 * The login's country when it is new to the account: a located public IP whose country is in
 * none of the countries seen in the logger's window, the previous successful login's country
 * and the countries the player confirmed. An account with no located history (its first login)
 * has nothing to compare with: not new.
 */
export function newCountryOf(ctx: RuleContext): string | null {
  const { login, account } = ctx;
  const country = countryOf(login);
  if (login.result !== "success" || !country) return null;
  const previous = login.history.previousSuccess?.country;
  // Pseudo-codes recorded in the history (before they counted as unknown) are no country seen.
  const seen = new Set(
    [...login.history.countriesSeen, ...account.knownCountries, previous].filter(isCountryCode),
  );
  if (seen.size === 0 || seen.has(country)) return null;
  return country;
}

/**
 * `new_country`: a successful login from a country not seen on this account. Notify. Not for a
 * country the player's live travel allowance names: they told us they would be there.
 */
export function newCountryRule(ctx: RuleContext): RuleHit | null {
  const country = newCountryOf(ctx);
  if (!country) return null;
  const travel = ctx.account.travel;
  if (travel && travel.country === country && new Date(ctx.login.occurredAt) <= travel.until) return null;
  const previous = ctx.login.history.previousSuccess;
  return {
    code: "new_country",
    actions: ["notify"],
    evidence: {
      country,
      ...(previous ? { previousCountry: previous.country, previousAt: previous.occurredAt } : {}),
    },
  };
}
