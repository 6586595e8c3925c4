import { type ApiKeys, deriveAnswerTokenSecret, parseApiKeys } from "@loginguard/auth";
import { envFields, parseEnv } from "@loginguard/config";
import { z } from "zod";

const apiKeys = z.string().transform((text, ctx): ApiKeys => {
  try {
    return parseApiKeys(text);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
});

/** `whsec_` followed by base64 of at least 16 bytes (Standard Webhooks secret format). */
const webhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "expected whsec_<base64>")
  .refine((s) => Buffer.from(s.slice(6), "base64").length >= 16, "the key must be at least 16 bytes");

/** The variables this app reads (exported so infra checks can name them). */
export const responderEnvSchema = z
  .object({
    /** `production` marks re-issued staff cookies Secure. Default `development`. */
    NODE_ENV: z.string().default("development"),

    /** `smtp://user:pass@host:port` or `smtps://...`; unset: emails go to the local outbox table. */
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    /** Sender of every email. Default `loginguard <no-reply@localhost>`. */
    SMTP_FROM: z.string().min(3).default("loginguard <no-reply@localhost>"),
    /** Twilio account SID (`AC...`); the three TWILIO_* settings come together; unset: SMS go to the outbox. */
    TWILIO_ACCOUNT_SID: z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, "expected AC followed by 32 hex digits")
      .optional(),
    /** Twilio auth token. */
    TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
    /** Sender number in E.164 (`+15005550006`) or a Messaging Service SID (`MG...`). */
    TWILIO_FROM: z
      .string()
      .regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, "expected an E.164 number or a Messaging Service SID")
      .optional(),
    /** Base URL that replaces `https://api.twilio.com` (a Twilio-compatible test endpoint). Default: Twilio. */
    TWILIO_API_BASE_URL: z.url().optional(),
    /** Where game-server webhooks go (Standard Webhooks); unset: webhooks are skipped. */
    GAME_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Signing secret `whsec_<base64>`; required with GAME_WEBHOOK_URL. */
    GAME_WEBHOOK_SECRET: webhookSecret.optional(),
    /** Milliseconds one webhook request may take before it counts as a timeout (retried). Default 10000. */
    GAME_WEBHOOK_TIMEOUT_MS: envFields.positiveInt(10_000),
    /** Public base URL of the portal, for "Was this you?" links. Default `http://localhost:8080`. */
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).default("http://localhost:8080"),
    /**
     * Secret of the signed "was this you?" link tokens (account-security checks them with the same).
     * Default: derived from PLAYER_TOKEN_SECRET; neither set: links open the signed-in /me page.
     */
    ANSWER_TOKEN_SECRET: z.string().min(16).optional(),
    /** Only read to derive ANSWER_TOKEN_SECRET when that is unset. */
    PLAYER_TOKEN_SECRET: z.string().min(16).optional(),
    /** Hours a "was this you?" link stays valid. Default 168 (7 days). */
    ANSWER_LINK_HOURS: envFields.positiveInt(168),
    /** Name shown in messages ("[Name] New sign-in ..."). Default `loginguard`. */
    BRAND_NAME: z.string().min(1).max(40).default("loginguard"),
    /** `name:key,...` keys game platforms use to keep contacts current (PUT/DELETE contact). Default none. */
    INGEST_API_KEYS: apiKeys.optional(),
    /** Secret the portal signs staff sessions with (shared). Unset: staff routes take ADMIN_API_KEYS only. */
    STAFF_SESSION_SECRET: z.string().min(32).optional(),
    /** `name:key,...` admin API keys for staff routes without a session. Default none. */
    ADMIN_API_KEYS: apiKeys.optional(),
    /** Decisions (and unlocks) older than this are recorded as skipped, not carried out: replays. Default 24. */
    ACTION_MAX_AGE_HOURS: envFields.positiveInt(24),
    /** Days the local outbox keeps messages. Default 7. */
    OUTBOX_RETENTION_DAYS: envFields.positiveInt(7),
    /** Events in flight per responder stage. Default 64. */
    RESPONDER_MAX_IN_FLIGHT: envFields.positiveInt(64),
  })
  .superRefine((env, ctx) => {
    const twilio = [env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, env.TWILIO_FROM];
    if (twilio.some(Boolean) && !twilio.every(Boolean)) {
      for (const name of ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"] as const) {
        if (!env[name])
          ctx.addIssue({ code: "custom", path: [name], message: "set all three TWILIO_* or none" });
      }
    }
    if (env.GAME_WEBHOOK_URL && !env.GAME_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["GAME_WEBHOOK_SECRET"],
        message: "required when GAME_WEBHOOK_URL is set",
      });
    }
  });

/** Twilio credentials; present only when all three are configured. */
export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** E.164 number or Messaging Service SID. */
  from: string;
  /** Replaces `https://api.twilio.com` when set. */
  apiBaseUrl: string | null;
}

export interface WebhookConfig {
  url: string;
  /** `whsec_<base64>`. */
  secret: string;
  timeoutMs: number;
}

/**
 * Everything the responder needs, parsed once at start. Where the process runs (PORT, DATA_DIR,
 * DATABASE_URL, KAFKA_BROKERS, LOG_LEVEL) is @loginguard/platform's configuration.
 */
export interface ResponderConfig {
  /** NODE_ENV=production: cookies are Secure. */
  production: boolean;
  /** Null: emails go to the outbox table. */
  smtpUrl: string | null;
  smtpFrom: string;
  /** Null: SMS go to the outbox table. */
  twilio: TwilioConfig | null;
  /** Null: webhooks (and in-game messages) are skipped. */
  webhook: WebhookConfig | null;
  publicUrl: string;
  /** Null: "was this you?" links open the signed-in /me page instead of a signed link. */
  answerTokenSecret: string | null;
  answerLinkHours: number;
  brandName: string;
  ingestKeys: ApiKeys;
  staffSessionSecret: string | null;
  adminKeys: ApiKeys;
  actionMaxAgeHours: number;
  outboxRetentionDays: number;
  maxInFlight: number;
}

/** Reads the responder's configuration from `env` (process.env by default); throws a clear message. */
export function loadResponderConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env,
): ResponderConfig {
  const e = parseEnv(responderEnvSchema, env);
  return {
    production: e.NODE_ENV === "production",
    smtpUrl: e.SMTP_URL ?? null,
    smtpFrom: e.SMTP_FROM,
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_FROM
        ? {
            accountSid: e.TWILIO_ACCOUNT_SID,
            authToken: e.TWILIO_AUTH_TOKEN,
            from: e.TWILIO_FROM,
            apiBaseUrl: e.TWILIO_API_BASE_URL ?? null,
          }
        : null,
    webhook:
      e.GAME_WEBHOOK_URL && e.GAME_WEBHOOK_SECRET
        ? { url: e.GAME_WEBHOOK_URL, secret: e.GAME_WEBHOOK_SECRET, timeoutMs: e.GAME_WEBHOOK_TIMEOUT_MS }
        : null,
    publicUrl: e.PUBLIC_URL.replace(/\/+$/, ""),
    answerTokenSecret:
      e.ANSWER_TOKEN_SECRET ??
      (e.PLAYER_TOKEN_SECRET ? deriveAnswerTokenSecret(e.PLAYER_TOKEN_SECRET) : null),
    answerLinkHours: e.ANSWER_LINK_HOURS,
    brandName: e.BRAND_NAME,
    ingestKeys: e.INGEST_API_KEYS ?? new Map(),
    staffSessionSecret: e.STAFF_SESSION_SECRET ?? null,
    adminKeys: e.ADMIN_API_KEYS ?? new Map(),
    actionMaxAgeHours: e.ACTION_MAX_AGE_HOURS,
    outboxRetentionDays: e.OUTBOX_RETENTION_DAYS,
    maxInFlight: e.RESPONDER_MAX_IN_FLIGHT,
  };
}
