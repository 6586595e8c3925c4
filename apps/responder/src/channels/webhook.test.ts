import { verifyStandardWebhook } from "@loginguard/testing/webhooks";
import { describe, expect, it } from "vitest";
import { classifyWebhookStatus, signWebhook, webhookId } from "./webhook";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("Standard Webhooks signing", () => {
  it("matches the spec's published example", () => {
    // From the Standard Webhooks reference implementations' tests.
    const body = '{"test": 2432232314}';
    expect(signWebhook(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)).toBe(
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
  });

  it("verifies with an independent verifier, and fails when anything changes", () => {
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: "player.kick", data: { accountId: "a" } });
    const headers = {
      "webhook-id": "msg_1",
      "webhook-timestamp": String(now),
      "webhook-signature": signWebhook(secret, "msg_1", now, body),
    };
    expect(verifyStandardWebhook(secret, headers, body)).toEqual({ ok: true });
    expect(verifyStandardWebhook(secret, headers, `${body} `).ok).toBe(false);
    expect(verifyStandardWebhook(secret, { ...headers, "webhook-id": "msg_2" }, body).ok).toBe(false);
    expect(verifyStandardWebhook("whsec_AAAAAAAAAAAAAAAAAAAAAAAA", headers, body).ok).toBe(false);
  });

  it("derives one webhook-id per (source event, type)", () => {
    expect(webhookId("dec-1", "player.kick")).toBe(webhookId("dec-1", "player.kick"));
    expect(webhookId("dec-1", "player.kick")).not.toBe(webhookId("dec-1", "account.locked"));
    expect(webhookId("dec-1", "player.kick")).not.toBe(webhookId("dec-2", "player.kick"));
    expect(webhookId("dec-1", "player.kick")).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it("retries 408, 429 and 5xx and gives up on other answers", () => {
    expect(classifyWebhookStatus(204, "m")).toBeUndefined();
    for (const status of [408, 429, 500, 503])
      expect(classifyWebhookStatus(status, "m")?.retryable).toBe(true);
    for (const status of [301, 400, 401, 404, 410])
      expect(classifyWebhookStatus(status, "m")?.retryable).toBe(false);
  });
});
