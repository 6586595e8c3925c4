import { describe, expect, it } from "vitest";
import { derivePepper, loadAccountSecurityConfig } from "./env";

const SECRETS = {
  PLAYER_TOKEN_SECRET: "p".repeat(32),
  STAFF_SESSION_SECRET: "s".repeat(32),
};

describe("loadAccountSecurityConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadAccountSecurityConfig(SECRETS);
    expect(config).toMatchObject({
      stateCache: "auto",
      stateCacheSize: 200_000,
      recentLoginDays: 30,
      decisionRetentionDays: 365,
      travelMaxDays: 90,
      maxInFlight: 500,
      trustProxy: false,
      secureCookies: false,
    });
    expect(config.adminApiKeys.size).toBe(0);
    expect(Buffer.from(config.unlockCodePepper)).toEqual(
      Buffer.from(derivePepper(SECRETS.PLAYER_TOKEN_SECRET)),
    );
    expect(config.rules.rules.impossible_travel.maxSpeedKmh).toBe(1000);
  });

  it("names every missing or bad variable without showing secrets", () => {
    const attempt = () =>
      loadAccountSecurityConfig({
        STAFF_SESSION_SECRET: "short",
        ADMIN_API_KEYS: "nokey",
        ACCOUNT_STATE_CACHE: "maybe",
      });
    expect(attempt).toThrow(/PLAYER_TOKEN_SECRET: .*not set/);
    expect(attempt).toThrow(/STAFF_SESSION_SECRET: .*\[hidden\]/);
    expect(attempt).toThrow(/ADMIN_API_KEYS/);
    expect(attempt).toThrow(/ACCOUNT_STATE_CACHE/);
    expect(attempt).not.toThrow(/short/);
  });

  it("uses a configured pepper, admin keys and production cookies", () => {
    const config = loadAccountSecurityConfig({
      ...SECRETS,
      UNLOCK_CODE_PEPPER: "q".repeat(32),
      ADMIN_API_KEYS: "ops:0123456789abcdef0123",
      NODE_ENV: "production",
    });
    expect(Buffer.from(config.unlockCodePepper).toString()).toBe("q".repeat(32));
    expect(config.adminApiKeys.get("ops")).toBe("0123456789abcdef0123");
    expect(config.secureCookies).toBe(true);
  });
});
