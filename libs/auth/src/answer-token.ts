import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * "Was this you?" link tokens (docs/ARCHITECTURE.md section 7): signed, single-purpose, expiring,
 * for one question (one login of one account). Not a JWT and signed with a key derived for this
 * purpose only, so a link token is never accepted as a player token or anything else, and a
 * player token is never accepted as a link token. One use is enforced by the service that
 * records the answer (one answer per login).
 *
 * Format: `a1.<base64url(JSON {p, a, l, e})>.<base64url(HMAC-SHA256)>`.
 */
export interface AnswerTokenClaims {
  accountId: string;
  loginEventId: string;
  /** Epoch milliseconds after which the token is refused. */
  expiresAt: number;
}

const PREFIX = "a1";
const PURPOSE = "answer";
/** Longest token accepted (ids are at most 128 characters each). */
const MAX_TOKEN_LENGTH = 1024;

function keyOf(secret: string): Buffer {
  return createHmac("sha256", secret).update("loginguard/answer-link-token/v1").digest();
}

function mac(secret: string, text: string): string {
  return createHmac("sha256", keyOf(secret)).update(text).digest("base64url");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Signs a link token for one login's question. */
export function signAnswerToken(claims: AnswerTokenClaims, secret: string): string {
  const body = Buffer.from(
    JSON.stringify({
      p: PURPOSE,
      a: claims.accountId,
      l: claims.loginEventId,
      e: Math.floor(claims.expiresAt / 1000),
    }),
  ).toString("base64url");
  return `${PREFIX}.${body}.${mac(secret, `${PREFIX}.${body}`)}`;
}

/** The claims of a valid, unexpired link token; undefined for anything else. Never throws. */
export function verifyAnswerToken(
  token: string | null | undefined,
  secret: string,
  now: number = Date.now(),
): AnswerTokenClaims | undefined {
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return undefined;
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== PREFIX) return undefined;
  const [prefix, body, signature] = parts as [string, string, string];
  if (!safeEqual(signature, mac(secret, `${prefix}.${body}`))) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof payload !== "object" || payload === null) return undefined;
  const { p, a, l, e } = payload as Record<string, unknown>;
  if (p !== PURPOSE || typeof a !== "string" || typeof l !== "string" || typeof e !== "number")
    return undefined;
  if (a.length === 0 || a.length > 128 || l.length === 0 || l.length > 128) return undefined;
  if (e * 1000 <= now) return undefined;
  return { accountId: a, loginEventId: l, expiresAt: e * 1000 };
}

/**
 * The CSRF token that must come back in `x-csrf-token` with the answer: bound to the link token,
 * handed out only by the page's view request, so a cross-site form cannot answer.
 */
export function answerCsrfToken(token: string, secret: string): string {
  return mac(secret, `csrf:${token}`);
}

/** Checks a presented CSRF token against the link token's. */
export function checkAnswerCsrf(token: string, presented: string | undefined, secret: string): boolean {
  return presented !== undefined && safeEqual(presented, answerCsrfToken(token, secret));
}

/**
 * The link secret when none is configured: derived from the player token secret (the keys stay
 * apart: a different derivation label from any other use).
 */
export function deriveAnswerTokenSecret(playerTokenSecret: string): string {
  return createHmac("sha256", playerTokenSecret)
    .update("loginguard/answer-link-secret/v1")
    .digest("base64url");
}
