import { isCountryCode } from "@loginguard/events";
import { countryDistanceKm } from "../geo/country-points";
import { countryOf, minutesBetween } from "./location";
import type { RuleContext, RuleHit } from "./types";

/** Speed is computed over at least this long, so two logins in the same second stay finite. */
const MIN_ELAPSED_MINUTES = 1;

/**
 * `impossible_travel`: the previous successful login's country and this one's are further apart
 * (between their reference points) than anyone can travel in the time between them. Same
 * country, an unknown country on either side, or a pair closer than `minDistanceKm` never
 * fire; nor (with `skipKnownPairs`) a pair of countries both already seen on the account (a VPN
 * switched on or off). Lock + kick + notify.
 */
export function impossibleTravelRule(ctx: RuleContext): RuleHit | null {
  const { login } = ctx;
  const settings = ctx.rules.rules.impossible_travel;
  const previous = login.history.previousSuccess;
  const country = countryOf(login);
  if (login.result !== "success" || !country || !previous || !isCountryCode(previous.country)) return null;
  if (previous.country === country) return null;
  // Both countries already used by the account: a VPN switched on or off, not a journey.
  if (settings.skipKnownPairs && isKnown(ctx, country) && isKnown(ctx, previous.country)) return null;
  const distanceKm = countryDistanceKm(previous.country, country);
  if (distanceKm === undefined || distanceKm < settings.minDistanceKm) return null;
  const elapsedMinutes = minutesBetween(previous.occurredAt, login.occurredAt);
  const speedKmh = distanceKm / (Math.max(elapsedMinutes, MIN_ELAPSED_MINUTES) / 60);
  if (speedKmh <= settings.maxSpeedKmh) return null;
  return {
    code: "impossible_travel",
    actions: ["lock", "kick", "notify"],
    evidence: {
      country,
      previousCountry: previous.country,
      previousAt: previous.occurredAt,
      distanceKm: Math.round(distanceKm),
      speedKmh: Math.round(speedKmh),
      elapsedMinutes: Math.round(elapsedMinutes * 10) / 10,
    },
  };
}

function isKnown(ctx: RuleContext, country: string): boolean {
  return ctx.login.history.countriesSeen.includes(country) || ctx.account.knownCountries.includes(country);
}
