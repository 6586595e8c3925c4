import { describe, expect, it } from "vitest";
import { loadLoggerConfig } from "./env";

const SECRET = "s".repeat(32);

describe("loadLoggerConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadLoggerConfig({ PLAYER_TOKEN_SECRET: SECRET });
    expect(config).toMatchObject({
      historyWindowDays: 90,
      failureWindowMinutes: 15,
      ipRetentionDays: 90,
      historyRetentionDays: 365,
      retentionIntervalMinutes: 60,
      maxInFlight: 500,
      staffSessionSecret: null,
    });
    expect(config.adminKeys.size).toBe(0);
  });

  it("reads every variable", () => {
    const config = loadLoggerConfig({
      PLAYER_TOKEN_SECRET: SECRET,
      STAFF_SESSION_SECRET: "t".repeat(32),
      ADMIN_API_KEYS: "ops:0123456789abcdef0123",
      HISTORY_WINDOW_DAYS: "30",
      FAILURE_WINDOW_MINUTES: "5",
      IP_RETENTION_DAYS: "7",
      HISTORY_RETENTION_DAYS: "180",
      RETENTION_INTERVAL_MINUTES: "10",
      LOGGER_MAX_IN_FLIGHT: "64",
    });
    expect(config).toMatchObject({
      historyWindowDays: 30,
      failureWindowMinutes: 5,
      ipRetentionDays: 7,
      historyRetentionDays: 180,
      retentionIntervalMinutes: 10,
      maxInFlight: 64,
    });
    expect(config.adminKeys.get("ops")).toBe("0123456789abcdef0123");
  });

  it("names bad values without printing secrets", () => {
    expect(() => loadLoggerConfig({})).toThrow(/PLAYER_TOKEN_SECRET/);
    expect(() => loadLoggerConfig({ PLAYER_TOKEN_SECRET: "short-secret" })).toThrow(/\[hidden\]/);
    expect(() => loadLoggerConfig({ PLAYER_TOKEN_SECRET: SECRET, HISTORY_WINDOW_DAYS: "0" })).toThrow(
      /HISTORY_WINDOW_DAYS/,
    );
    expect(() => loadLoggerConfig({ PLAYER_TOKEN_SECRET: SECRET, ADMIN_API_KEYS: "nokey" })).toThrow(
      /ADMIN_API_KEYS/,
    );
  });
});
