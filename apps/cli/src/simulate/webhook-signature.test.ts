import { signWebhook } from "@loginguard/responder";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, verifyWebhook } from "./webhook-signature";

// The published Standard Webhooks test vector (reference implementations' tests).
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: "1614265330",
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const AT_VECTOR_TIME = 1614265330_000;

const headers = (signature: string, timestamp = VECTOR.timestamp, id = VECTOR.id) => ({
  "webhook-id": id,
  "webhook-timestamp": timestamp,
  "webhook-signature": signature,
});

describe("verifyWebhook", () => {
  it("accepts the Standard Webhooks test vector, also among other signatures", () => {
    expect(verifyWebhook(VECTOR.secret, headers(VECTOR.signature), VECTOR.body, AT_VECTOR_TIME)).toEqual({
      ok: true,
      id: VECTOR.id,
    });
    const listed = `v1,bm9wZQ== v2,abc ${VECTOR.signature}`;
    expect(verifyWebhook(VECTOR.secret, headers(listed), VECTOR.body, AT_VECTOR_TIME).ok).toBe(true);
  });

  it("refuses a changed body, id or timestamp, another secret, and a missing header", () => {
    const check = (h: Record<string, string | undefined>, body = VECTOR.body, secret = VECTOR.secret) =>
      verifyWebhook(secret, h, body, AT_VECTOR_TIME);
    expect(check(headers(VECTOR.signature), '{"test": 2432232315}')).toMatchObject({ ok: false });
    expect(check(headers(VECTOR.signature, VECTOR.timestamp, "msg_other"))).toMatchObject({ ok: false });
    expect(check(headers(VECTOR.signature, "1614265331"))).toMatchObject({ ok: false });
    expect(check(headers(VECTOR.signature), VECTOR.body, newWebhookSecret())).toMatchObject({ ok: false });
    expect(check({ ...headers(VECTOR.signature), "webhook-signature": undefined })).toEqual({
      ok: false,
      reason: "missing webhook-* headers",
    });
  });

  it("refuses a replay outside five minutes either way", () => {
    const h = headers(VECTOR.signature);
    expect(verifyWebhook(VECTOR.secret, h, VECTOR.body, AT_VECTOR_TIME + 299_000).ok).toBe(true);
    expect(verifyWebhook(VECTOR.secret, h, VECTOR.body, AT_VECTOR_TIME + 301_000)).toEqual({
      ok: false,
      reason: "webhook-timestamp outside the tolerance",
    });
    expect(verifyWebhook(VECTOR.secret, h, VECTOR.body, AT_VECTOR_TIME - 301_000).ok).toBe(false);
  });

  it("verifies what the responder signs with a generated secret", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const body = JSON.stringify({ type: "player.kick", timestamp: new Date(now).toISOString(), data: {} });
    const signature = signWebhook(secret, "msg_1", ts, body);
    expect(verifyWebhook(secret, headers(signature, String(ts), "msg_1"), body, now).ok).toBe(true);
  });
});
