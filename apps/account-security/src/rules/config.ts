import { CHANNELS } from "@loginguard/events";
import { z } from "zod";

/**
 * How a rule runs: `enforce` (its actions are carried out), `shadow` (recorded in the decision
 * with `mode: "shadow"`, nothing done) or `off` (not evaluated).
 */
export const RULE_MODES = ["enforce", "shadow", "off"] as const;
export type RuleMode = (typeof RULE_MODES)[number];

const mode = z.enum(RULE_MODES);
const countryCode = z.string().regex(/^[A-Z]{2}$/, "expected an ISO 3166-1 alpha-2 code such as KR");
const positive = z.number().positive();
const positiveInt = z.number().int().positive();

/** Every rule's settings with their defaults (docs/ARCHITECTURE.md section 7). */
export const RuleSettingsSchema = z.object({
  new_country: z.object({ mode: mode.default("enforce") }).default({ mode: "enforce" }),
  impossible_travel: z
    .object({
      mode: mode.default("enforce"),
      /** Faster than this between two successful logins' countries is impossible travel. */
      maxSpeedKmh: positive.default(1000),
      /**
       * Country pairs whose reference points are closer than this never fire: a point per
       * country is too coarse to tell a border crossing from a neighbour's mobile network.
       */
      minDistanceKm: z.number().nonnegative().default(500),
      /**
       * Never between two countries both already seen on the account: a player switching a VPN
       * on and off is not travelling (docs/PROTECTION.md).
       */
      skipKnownPairs: z.boolean().default(true),
    })
    .default({ mode: "enforce", maxSpeedKmh: 1000, minDistanceKm: 500, skipKnownPairs: true }),
  country_not_allowed: z.object({ mode: mode.default("enforce") }).default({ mode: "enforce" }),
  takeover_suspected: z
    .object({
      mode: mode.default("enforce"),
      /** Failed logins on the account in the logger's failure window that make a burst. */
      minFailures: positiveInt.default(5),
      /** Distinct accounts the IP failed on (in the failure window) that make it suspect. */
      minIpFailedAccounts: positiveInt.default(20),
      /**
       * A new country on a device the account has not used in the history window is a takeover
       * (docs/PROTECTION.md: travellers bring their own device; attackers with the password do not).
       */
      newDeviceInNewCountry: z.boolean().default(true),
    })
    .default({ mode: "enforce", minFailures: 5, minIpFailedAccounts: 20, newDeviceInNewCountry: true }),
  failure_burst: z
    .object({
      mode: mode.default("enforce"),
      /** Failed logins on the account in the logger's failure window that fire the rule. */
      minFailures: positiveInt.default(10),
      /** After firing, the rule stays quiet on the account this long (one notice per burst). */
      quietMinutes: positiveInt.default(60),
    })
    .default({ mode: "enforce", minFailures: 10, quietMinutes: 60 }),
  credential_stuffing: z
    .object({
      mode: mode.default("enforce"),
      /** Distinct accounts one IP failed on (in the failure window) to flag it. */
      minAccounts: positiveInt.default(20),
      /** How long a flag lasts (`ip.flagged` `until`). */
      flagMinutes: positiveInt.default(60),
    })
    .default({ mode: "enforce", minAccounts: 20, flagMinutes: 60 }),
});
export type RuleSettings = z.infer<typeof RuleSettingsSchema>;
export type RuleName = keyof RuleSettings;

/** A game's overrides: any rule setting, and the countries the game allows at all. */
const GameOverridesSchema = z.object({
  /** Only these countries may play this game (empty or absent: no restriction). */
  allowedCountries: z.array(countryCode).default([]),
  rules: z
    .object({
      new_country: z.object({ mode }).partial(),
      impossible_travel: z
        .object({
          mode,
          maxSpeedKmh: positive,
          minDistanceKm: z.number().nonnegative(),
          skipKnownPairs: z.boolean(),
        })
        .partial(),
      country_not_allowed: z.object({ mode }).partial(),
      takeover_suspected: z
        .object({
          mode,
          minFailures: positiveInt,
          minIpFailedAccounts: positiveInt,
          newDeviceInNewCountry: z.boolean(),
        })
        .partial(),
      failure_burst: z.object({ mode, minFailures: positiveInt, quietMinutes: positiveInt }).partial(),
      credential_stuffing: z.object({ mode, minAccounts: positiveInt, flagMinutes: positiveInt }).partial(),
    })
    .strict()
    .partial()
    .default({}),
});

/** The `RULES_CONFIG` file: global rule settings, per-game overrides, notification channels. */
export const RulesConfigSchema = z
  .object({
    rules: RuleSettingsSchema.default(RuleSettingsSchema.parse({})),
    /** Keyed by `gameId` as the login servers send it. */
    games: z.record(z.string().min(1).max(128), GameOverridesSchema).default({}),
    /** Notification channels in fallback order, copied into every decision. */
    channels: z.array(z.enum(CHANNELS)).min(1).default(["email", "sms", "in_game"]),
  })
  .strict();
export type RulesConfig = z.infer<typeof RulesConfigSchema>;

/** The built-in configuration: every rule enforced with the defaults above. */
export const DEFAULT_RULES_CONFIG: RulesConfig = RulesConfigSchema.parse({});

/** The rules as they apply to one login: global settings with its game's overrides on top. */
export interface EffectiveRules {
  rules: RuleSettings;
  /** The game's allowed countries; empty when the game has no restriction. */
  gameAllowedCountries: string[];
  channels: RulesConfig["channels"];
}

/** Merges the game's overrides (if any) over the global settings. */
export function rulesForGame(config: RulesConfig, gameId: string | undefined): EffectiveRules {
  const game = gameId !== undefined && Object.hasOwn(config.games, gameId) ? config.games[gameId] : undefined;
  if (!game) return { rules: config.rules, gameAllowedCountries: [], channels: config.channels };
  const rules = { ...config.rules } as Record<RuleName, object>;
  for (const [name, override] of Object.entries(game.rules) as Array<[RuleName, object | undefined]>) {
    if (override) rules[name] = { ...config.rules[name], ...override };
  }
  return {
    rules: rules as RuleSettings,
    gameAllowedCountries: game.allowedCountries,
    channels: config.channels,
  };
}
