import type { MiddlewareHandler } from "hono";

/**
 * The portal's pages allow only their own script, styles and API calls: no inline script, no
 * framing, no referrer (a token in `/auth/player?token=` must never leak through one).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Sets the security headers on every response of the paths it is mounted on. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("content-security-policy", CONTENT_SECURITY_POLICY);
  c.header("x-content-type-options", "nosniff");
  c.header("referrer-policy", "no-referrer");
  c.header("x-frame-options", "DENY");
  c.header("cross-origin-opener-policy", "same-origin");
  c.header("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
};
