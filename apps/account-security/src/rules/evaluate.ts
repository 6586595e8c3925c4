import type { Reason, SecurityAction } from "@loginguard/events";
import type { RuleName } from "./config";
import { countryNotAllowedRule } from "./country-not-allowed";
import { credentialStuffingRule, stuffingSourceOf } from "./credential-stuffing";
import { combineActions, strongest } from "./decide";
import { failureBurstRule } from "./failure-burst";
import { impossibleTravelRule } from "./impossible-travel";
import { ipOf } from "./location";
import { newCountryRule } from "./new-country";
import { takeoverSuspectedRule } from "./takeover-suspected";
import type { Rule, RuleContext } from "./types";

/** Every account rule, in the order its reasons are listed in a decision. */
const ACCOUNT_RULES: ReadonlyArray<readonly [RuleName, Rule]> = [
  ["impossible_travel", impossibleTravelRule],
  ["takeover_suspected", takeoverSuspectedRule],
  ["country_not_allowed", countryNotAllowedRule],
  ["new_country", newCountryRule],
  ["credential_stuffing", credentialStuffingRule],
  ["failure_burst", failureBurstRule],
];

/** A reason together with every action its rule asks for. */
export interface DecidedReason extends Reason {
  actions: SecurityAction[];
}

/** What the rules concluded about one login. */
export interface Evaluation {
  /** Reasons of every rule that fired (enforced and shadow); empty: nothing to do. */
  reasons: DecidedReason[];
  /** The strongest enforced action, null when nothing is enforced. */
  action: SecurityAction | null;
  /** Every enforced action, strongest first. */
  actions: SecurityAction[];
  /** A credential-stuffing source to flag (from a failed login), with the rule's mode. */
  flagIp: { ip: string; failedAccounts: number; mode: "enforce" | "shadow" } | null;
  /** `failure_burst` fired (in any mode): it stays quiet on the account for a while. */
  failureBurstFired: boolean;
}

/**
 * Runs every rule that is not `off` for the login's game over one login. Pure: the same context
 * always gives the same evaluation.
 */
export function evaluateLogin(ctx: RuleContext): Evaluation {
  const settings = ctx.rules.rules;
  const reasons: DecidedReason[] = [];
  for (const [name, rule] of ACCOUNT_RULES) {
    const mode = settings[name].mode;
    if (mode === "off") continue;
    const hit = rule(ctx);
    if (!hit) continue;
    reasons.push({
      code: hit.code,
      action: strongest(hit.actions) ?? "notify",
      mode,
      evidence: hit.evidence,
      actions: [...hit.actions],
    });
  }
  const stuffingMode = settings.credential_stuffing.mode;
  const source = stuffingMode === "off" ? null : stuffingSourceOf(ctx);
  return {
    reasons,
    ...combineActions(reasons),
    flagIp: source && stuffingMode !== "off" ? { ip: ipOf(ctx.login), ...source, mode: stuffingMode } : null,
    failureBurstFired: reasons.some((r) => r.code === "failure_burst"),
  };
}
