import type { LoginBody } from "../plan";

/** Kinds of legitimate players the labelled run simulates. */
export const PLAYER_KINDS = ["home", "mobile", "cafe", "traveller", "travel_mode", "vpn"] as const;
export type PlayerKind = (typeof PLAYER_KINDS)[number];

/** Attack classes the labelled run simulates (docs/PROTECTION.md). */
export const ATTACK_SCENARIOS = [
  "overseas_takeover",
  "stuffing_takeover",
  "slow_stuffing",
  "spraying",
  "same_country",
  "vpn_exit",
] as const;
export type AttackScenario = (typeof ATTACK_SCENARIOS)[number];

/** The classes the "overseas takeover with the right password" target counts. */
export const OVERSEAS_SCENARIOS: ReadonlySet<AttackScenario> = new Set([
  "overseas_takeover",
  "stuffing_takeover",
  "slow_stuffing",
  "spraying",
]);

/** A simulated player. */
export interface LabelledPlayer {
  accountId: string;
  kind: PlayerKind;
  home: string;
  homeIp: string;
  deviceId: string;
  userAgent: string;
  serverId: string;
  email: string;
  language: "ko" | "en";
  /** VPN players: the country their VPN exits in. */
  vpnCountry: string | null;
}

/** One planned login with its ground truth. The label never leaves the simulator. */
export interface LabelledLogin {
  /** Simulated `occurredAt`, epoch ms. */
  at: number;
  login: LoginBody;
  label: "legit" | "attack";
  /** The player's kind (legit) or the attack class (attack). */
  scenario: PlayerKind | AttackScenario;
  /** Index into the plan's attacks, for attack logins. */
  attackId?: number;
  /** The attacker's first successful login on the victim: the lock clock starts when it is accepted. */
  attackSuccess?: boolean;
  /** Send only once the instance flags this address (bounded wait). */
  awaitFlaggedIp?: string;
  /** Before this login the player turns travel mode on for this country (PUT /v1/me/settings). */
  travelMode?: string;
}

/** One attack on one victim. */
export interface PlannedAttack {
  id: number;
  scenario: AttackScenario;
  accountId: string;
  /** Where the attacker signs in from. */
  country: string;
  /** The attacker's logins on the victim (successes). */
  successIds: string[];
  at: number;
}

/** The whole labelled plan, in send (occurredAt) order. */
export interface LabelledPlan {
  runId: string;
  seed: string;
  from: number;
  to: number;
  weeks: number;
  players: LabelledPlayer[];
  logins: LabelledLogin[];
  attacks: PlannedAttack[];
}
