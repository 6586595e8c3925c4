import type { Evidence, LoginRecorded, RuleCode, SecurityAction } from "@loginguard/events";
import type { EffectiveRules } from "./config";

/** What the rules read of the account's own state (kept by this service). */
export interface AccountFacts {
  locked: boolean;
  /** Countries the player allows (empty: no restriction). */
  allowedCountries: readonly string[];
  /** A travel allowance: `country` is allowed until `until`. */
  travel: { country: string; until: Date } | null;
  /** Countries the player confirmed ("yes, it was me"). */
  knownCountries: readonly string[];
  /** When `failure_burst` last fired on the account. */
  failureBurstAt: Date | null;
}

/** A live credential-stuffing flag on the login's IP, if any. */
export interface IpFlagFacts {
  failedAccounts: number;
  until: Date;
}

/** Everything one rule may look at; rules are pure functions of it. */
export interface RuleContext {
  login: LoginRecorded;
  account: AccountFacts;
  ipFlag: IpFlagFacts | null;
  rules: EffectiveRules;
  now: Date;
}

/** A rule that fired: its code, every action it asks for (strongest first) and the evidence. */
export interface RuleHit {
  code: RuleCode;
  actions: readonly SecurityAction[];
  evidence: Evidence;
}

export type Rule = (ctx: RuleContext) => RuleHit | null;
