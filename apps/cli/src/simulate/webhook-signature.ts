import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** How far a webhook's timestamp may be from this machine's clock (Standard Webhooks suggests 5 min). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export type WebhookCheck = { ok: true; id: string } | { ok: false; reason: string };

/** A new signing secret in the Standard Webhooks format: `whsec_` + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/**
 * Verifies a Standard Webhooks request as a game server should: the `webhook-signature` header
 * lists `v1,<base64>` signatures separated by spaces, each an HMAC-SHA256 of
 * `${webhook-id}.${webhook-timestamp}.${raw body}` keyed with the base64-decoded part of the
 * `whsec_` secret; one must match (compared in constant time), and the timestamp must be within
 * the tolerance (replayed old requests are refused).
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  nowMs: number = Date.now(),
): WebhookCheck {
  const id = single(headers["webhook-id"]);
  const timestamp = single(headers["webhook-timestamp"]);
  const signatures = single(headers["webhook-signature"]);
  if (!id || !timestamp || !signatures) return { ok: false, reason: "missing webhook-* headers" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "webhook-timestamp is not a number" };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) {
    return { ok: false, reason: "webhook-timestamp outside the tolerance" };
  }
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${rawBody}`).digest();
  for (const entry of signatures.split(" ")) {
    const comma = entry.indexOf(",");
    if (comma < 0 || entry.slice(0, comma) !== "v1") continue;
    const given = Buffer.from(entry.slice(comma + 1), "base64");
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, id };
  }
  return { ok: false, reason: "no matching v1 signature" };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
