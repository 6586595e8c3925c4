import { describe, expect, it } from "vitest";
import { loadResponderConfig } from "./env";

const secret = `whsec_${Buffer.alloc(24, 7).toString("base64")}`;

describe("loadResponderConfig", () => {
  it("runs with nothing set: outbox for email and SMS, no webhooks", () => {
    const config = loadResponderConfig({});
    expect(config).toMatchObject({
      smtpUrl: null,
      smtpFrom: "loginguard <no-reply@localhost>",
      twilio: null,
      webhook: null,
      publicUrl: "http://localhost:8080",
      brandName: "loginguard",
      staffSessionSecret: null,
      actionMaxAgeHours: 24,
      outboxRetentionDays: 7,
    });
    expect(config.ingestKeys.size).toBe(0);
  });

  it("reads providers and keys", () => {
    const config = loadResponderConfig({
      SMTP_URL: "smtps://user:pass@mail.example.com:465",
      TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}`,
      TWILIO_AUTH_TOKEN: "t".repeat(32),
      TWILIO_FROM: "+15005550006",
      GAME_WEBHOOK_URL: "https://game.example.com/hooks",
      GAME_WEBHOOK_SECRET: secret,
      PUBLIC_URL: "https://play.example.com/",
      INGEST_API_KEYS: "eu-login:0123456789abcdef0123",
    });
    expect(config.twilio).toMatchObject({ from: "+15005550006", apiBaseUrl: null });
    expect(config.webhook).toEqual({ url: "https://game.example.com/hooks", secret, timeoutMs: 10_000 });
    expect(config.publicUrl).toBe("https://play.example.com");
    expect(config.ingestKeys.get("eu-login")).toBe("0123456789abcdef0123");
  });

  it("names every bad variable and hides secrets", () => {
    let message = "";
    try {
      loadResponderConfig({
        SMTP_URL: "http://mail.example.com",
        GAME_WEBHOOK_URL: "https://game.example.com/hooks",
        GAME_WEBHOOK_SECRET: "plain-secret-value",
        INGEST_API_KEYS: "short:abc",
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("SMTP_URL");
    expect(message).toContain("GAME_WEBHOOK_SECRET: expected whsec_<base64>");
    expect(message).not.toContain("plain-secret-value");
    expect(message).toContain("INGEST_API_KEYS");
  });

  it("takes the three Twilio settings together", () => {
    expect(() => loadResponderConfig({ TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}` })).toThrow(
      /TWILIO_AUTH_TOKEN: set all three TWILIO_\* or none[\s\S]*TWILIO_FROM: set all three/,
    );
  });

  it("requires a signing secret with a webhook URL", () => {
    expect(() => loadResponderConfig({ GAME_WEBHOOK_URL: "https://game.example.com/hooks" })).toThrow(
      /GAME_WEBHOOK_SECRET: required when GAME_WEBHOOK_URL is set/,
    );
  });
});
