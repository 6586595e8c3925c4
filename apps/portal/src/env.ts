import { type ApiKeys, parseApiKeys } from "@loginguard/auth";
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

/** Shortest staff password accepted (ADMIN_PASSWORD, `loginguard staff add`, the console). */
export const MIN_STAFF_PASSWORD_LENGTH = 12;

/** The variables this app reads (exported so infra checks can name them). */
export const portalEnvSchema = z
  .object({
    /** HS256 secret of player tokens (32+ characters). Required (embedded mode generates one). */
    PLAYER_TOKEN_SECRET: z.string().min(32),
    /** HMAC secret of staff session cookies and CSRF tokens (32+ characters). Required (embedded mode generates one). */
    STAFF_SESSION_SECRET: z.string().min(32),
    /** `name:key,...` admin API keys: act as an admin without a session (CLI, automation). Default none. */
    ADMIN_API_KEYS: apiKeys.optional(),
    /** Email of the first admin, created at first start in embedded mode (with ADMIN_PASSWORD). Default none. */
    ADMIN_EMAIL: z.email().max(254).optional(),
    /** Password of that first admin (12+ characters). Default none. */
    ADMIN_PASSWORD: z.string().min(MIN_STAFF_PASSWORD_LENGTH).max(256).optional(),
    /** Failed staff sign-ins per email within the window before 429. Default 5. */
    STAFF_SIGN_IN_MAX_FAILURES: envFields.positiveInt(5),
    /** Failed staff sign-ins per client address within the window before 429. Default 20. */
    STAFF_SIGN_IN_MAX_FAILURES_PER_IP: envFields.positiveInt(20),
    /** Minutes over which failed staff sign-ins are counted. Default 15. */
    STAFF_SIGN_IN_WINDOW_MINUTES: envFields.positiveInt(15),
    /** Second factor for support staff: `required` or `optional` (admins always need TOTP). Default optional. */
    STAFF_MFA: z.enum(["required", "optional"]).default("optional"),
    /** Take the client address from X-Forwarded-For (only behind a reverse proxy that sets it). Default false. */
    TRUST_PROXY: envFields.boolean(false),
    /** Records in flight in the portal's overview consumer. Default 200. */
    PORTAL_MAX_IN_FLIGHT: envFields.positiveInt(200),
    /** Seconds within which an accepted login must reach a decision or "nothing to do" before the loss detector reports it. Default 300. */
    LOSS_DETECTOR_DEADLINE_SECONDS: envFields.positiveInt(300),
    /** Seconds between the loss detector's sweeps. Default 15. */
    LOSS_DETECTOR_INTERVAL_SECONDS: envFields.positiveInt(15),
    /** production: Secure cookies and no development sign-in (/dev/sign-in answers 404). Default development. */
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
      const missing = env.ADMIN_EMAIL ? "ADMIN_PASSWORD" : "ADMIN_EMAIL";
      ctx.addIssue({
        code: "custom",
        path: [missing],
        message: "set ADMIN_EMAIL and ADMIN_PASSWORD together",
      });
    }
  });

/** Limits of staff sign-in attempts. */
export interface SignInThrottleSettings {
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
  windowMinutes: number;
}

/** Everything the portal reads from the environment, parsed once at start. */
export interface PortalConfig {
  playerTokenSecret: string;
  staffSessionSecret: string;
  adminKeys: ApiKeys;
  /** The first admin (embedded mode), or null. */
  firstAdmin: { email: string; password: string } | null;
  signIn: SignInThrottleSettings;
  /** STAFF_MFA: whether support staff must enrol TOTP too. */
  staffMfa: "required" | "optional";
  trustProxy: boolean;
  maxInFlight: number;
  /** The loss detector's deadline and sweep period, in milliseconds. */
  lossDetector: { deadlineMs: number; intervalMs: number };
  /** NODE_ENV=production: Secure cookies, no development sign-in. */
  production: boolean;
}

/** Reads the portal's configuration from `env` (process.env by default); throws naming every bad variable. */
export function loadPortalConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env,
): PortalConfig {
  const e = parseEnv(portalEnvSchema, env);
  return {
    playerTokenSecret: e.PLAYER_TOKEN_SECRET,
    staffSessionSecret: e.STAFF_SESSION_SECRET,
    adminKeys: e.ADMIN_API_KEYS ?? new Map(),
    firstAdmin:
      e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : null,
    signIn: {
      maxFailuresPerEmail: e.STAFF_SIGN_IN_MAX_FAILURES,
      maxFailuresPerIp: e.STAFF_SIGN_IN_MAX_FAILURES_PER_IP,
      windowMinutes: e.STAFF_SIGN_IN_WINDOW_MINUTES,
    },
    staffMfa: e.STAFF_MFA,
    trustProxy: e.TRUST_PROXY,
    maxInFlight: e.PORTAL_MAX_IN_FLIGHT,
    lossDetector: {
      deadlineMs: e.LOSS_DETECTOR_DEADLINE_SECONDS * 1000,
      intervalMs: e.LOSS_DETECTOR_INTERVAL_SECONDS * 1000,
    },
    production: e.NODE_ENV === "production",
  };
}
