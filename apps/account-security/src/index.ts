export { AccountActions, type StaffActor } from "./account-actions";
export {
  type AccountSecurityConfig,
  accountSecurityEnvSchema,
  derivePepper,
  loadAccountSecurityConfig,
} from "./env";
export { SOURCE as ACCOUNT_SECURITY_SOURCE, STAGE_NAME as ACCOUNT_SECURITY_STAGE } from "./events";
export { countryDistanceKm, countryPoint, greatCircleKm, isKnownCountryCode } from "./geo/country-points";
export { accountSecurityOpenApi } from "./http/openapi";
export {
  DEFAULT_RULES_CONFIG,
  type EffectiveRules,
  RULE_MODES,
  type RuleMode,
  type RulesConfig,
  RulesConfigSchema,
  rulesForGame,
} from "./rules/config";
export { loadRulesConfig, parseRulesConfig } from "./rules/config-file";
export { type Evaluation, evaluateLogin } from "./rules/evaluate";
export {
  type AccountSecurityService,
  type AccountSecurityServiceOptions,
  createAccountSecurityService,
} from "./service";
export { ACCOUNT_SECURITY_SCHEMA } from "./state/migrations";
export { DEFAULT_UNLOCK_POLICY, type UnlockPolicy } from "./state/unlock-challenges";
