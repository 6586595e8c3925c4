import { createHmac } from "node:crypto";
import { type ApiKeys, deriveAnswerTokenSecret, parseApiKeys } from "@loginguard/auth";
import { envFields, parseEnv } from "@loginguard/config";
import { z } from "zod";
import type { RulesConfig } from "./rules/config";
import { loadRulesConfig } from "./rules/config-file";

const apiKeys = z
  .string()
  .transform((text, ctx): ApiKeys => {
    try {
      return parseApiKeys(text);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  })
  .default(new Map());

const secret = z.string().min(16, "must be at least 16 characters");

/** The variables this app reads (exported so infra checks can name them). */
export const accountSecurityEnvSchema = z.object({
  /** HS256 secret of the player tokens (`sub` = accountId). Required. */
  PLAYER_TOKEN_SECRET: secret,
  /** HMAC secret of the staff session cookies and CSRF tokens. Required. */
  STAFF_SESSION_SECRET: secret,
  /** Admin API keys, `name:key` pairs separated by commas; act as role admin. Default: none. */
  ADMIN_API_KEYS: apiKeys,
  /**
   * Game servers' keys (`name:key,...`), for `POST /v1/accounts/{accountId}/answers` (the answer
   * given in game). Default: none (the route answers 401).
   */
  INGEST_API_KEYS: apiKeys,
  /**
   * Secret of the "was this you?" link tokens; the responder signs with the same. Default:
   * derived from PLAYER_TOKEN_SECRET (under its own label, so the keys stay apart).
   */
  ANSWER_TOKEN_SECRET: secret.optional(),
  /**
   * Key of the HMAC that stores unlock codes. Default: derived from PLAYER_TOKEN_SECRET (changing
   * that secret then voids codes pending at that moment, which live 10 minutes).
   */
  UNLOCK_CODE_PEPPER: secret.optional(),
  /** Path of a JSON file with rule modes, thresholds and per-game overrides. Default: built-in rules. */
  RULES_CONFIG: z.string().min(1).optional(),
  /**
   * Keep account state in memory: `on`, `off`, or `auto` (on for the embedded PGlite database,
   * which only one process can open; off for PostgreSQL, where other replicas write too). Default auto.
   */
  ACCOUNT_STATE_CACHE: z.enum(["auto", "on", "off"]).default("auto"),
  /** Most accounts held in that cache (about 1 KB each). Default 200000. */
  ACCOUNT_STATE_CACHE_SIZE: envFields.positiveInt(200_000),
  /** Days a successful login stays answerable with "was this you?". Default 30. */
  RECENT_LOGIN_DAYS: envFields.positiveInt(30),
  /** Days decisions are kept for staff (and for republishing a redelivered login). Default 365. */
  DECISION_RETENTION_DAYS: envFields.positiveInt(365),
  /** Longest travel allowance a player may set, in days. Default 90. */
  TRAVEL_MAX_DAYS: envFields.positiveInt(90),
  /** Records of login.recorded in flight in the decision stage. Default 500. */
  ACCOUNT_SECURITY_MAX_IN_FLIGHT: envFields.positiveInt(500),
  /** Take the audit's client address from X-Forwarded-For (set only behind a reverse proxy). Default false. */
  TRUST_PROXY: envFields.boolean(false),
  /** production sets the Secure flag on re-issued staff cookies. Default development. */
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /**
   * Services that hold personal data and must confirm an erasure before it is done, comma-separated.
   * Default account-security,logger,responder,portal.
   */
  ERASURE_SERVICES: z
    .string()
    .default("account-security,logger,responder,portal")
    .transform((text) =>
      text
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z][a-z0-9-]{0,63}$/)).min(1)),
});

/** Everything account-security reads from the environment, parsed. */
export interface AccountSecurityConfig {
  playerTokenSecret: string;
  staffSessionSecret: string;
  adminApiKeys: ApiKeys;
  ingestApiKeys: ApiKeys;
  answerTokenSecret: string;
  /** HMAC key for stored unlock codes. */
  unlockCodePepper: Uint8Array;
  rules: RulesConfig;
  stateCache: "auto" | "on" | "off";
  stateCacheSize: number;
  recentLoginDays: number;
  decisionRetentionDays: number;
  travelMaxDays: number;
  maxInFlight: number;
  trustProxy: boolean;
  secureCookies: boolean;
  /** ERASURE_SERVICES. */
  erasureServices: string[];
}

/** The pepper when none is configured: a key derived from the player token secret. */
export function derivePepper(playerTokenSecret: string): Uint8Array {
  return createHmac("sha256", playerTokenSecret)
    .update("loginguard/account-security/unlock-code-pepper/v1")
    .digest();
}

/** Parses account-security's environment variables (and the rules file); throws naming every bad one. */
export function loadAccountSecurityConfig(
  env: Record<string, string | undefined> = process.env,
): AccountSecurityConfig {
  const e = parseEnv(accountSecurityEnvSchema, env);
  return {
    playerTokenSecret: e.PLAYER_TOKEN_SECRET,
    staffSessionSecret: e.STAFF_SESSION_SECRET,
    adminApiKeys: e.ADMIN_API_KEYS,
    ingestApiKeys: e.INGEST_API_KEYS,
    answerTokenSecret: e.ANSWER_TOKEN_SECRET ?? deriveAnswerTokenSecret(e.PLAYER_TOKEN_SECRET),
    unlockCodePepper: e.UNLOCK_CODE_PEPPER
      ? new TextEncoder().encode(e.UNLOCK_CODE_PEPPER)
      : derivePepper(e.PLAYER_TOKEN_SECRET),
    rules: loadRulesConfig(e.RULES_CONFIG),
    stateCache: e.ACCOUNT_STATE_CACHE,
    stateCacheSize: e.ACCOUNT_STATE_CACHE_SIZE,
    recentLoginDays: e.RECENT_LOGIN_DAYS,
    decisionRetentionDays: e.DECISION_RETENTION_DAYS,
    travelMaxDays: e.TRAVEL_MAX_DAYS,
    maxInFlight: e.ACCOUNT_SECURITY_MAX_IN_FLIGHT,
    trustProxy: e.TRUST_PROXY,
    secureCookies: e.NODE_ENV === "production",
    erasureServices: e.ERASURE_SERVICES,
  };
}
