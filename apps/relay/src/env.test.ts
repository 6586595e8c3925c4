import { describe, expect, it } from "vitest";
import { loadRelayConfig } from "./env";

describe("loadRelayConfig", () => {
  it("defaults to the repository's infra/routes and infra/topics.json", () => {
    const config = loadRelayConfig({});
    expect(config.routesDir).toMatch(/\/infra\/routes$/);
    expect(config.topicsFile).toMatch(/\/infra\/topics\.json$/);
    expect(config.reloadIntervalMs).toBe(5000);
    expect(config.adminKeys.size).toBe(0);
  });

  it("reads the variables, and route secrets only when asked by name", () => {
    const config = loadRelayConfig({
      RELAY_ROUTES_DIR: "/etc/loginguard/routes",
      RELAY_RELOAD_INTERVAL_MS: "1000",
      ADMIN_API_KEYS: "ops:0123456789abcdef0123",
      CAMPAIGN_RELAY_TOKEN: "t0ken",
      EMPTY_TOKEN: "",
    });
    expect(config.routesDir).toBe("/etc/loginguard/routes");
    expect(config.reloadIntervalMs).toBe(1000);
    expect(config.adminKeys.get("ops")).toBe("0123456789abcdef0123");
    expect(config.secret("CAMPAIGN_RELAY_TOKEN")).toBe("t0ken");
    expect(config.secret("EMPTY_TOKEN")).toBeUndefined();
    expect(config.secret("UNSET")).toBeUndefined();
  });

  it("names every bad variable without showing a key", () => {
    expect(() => loadRelayConfig({ RELAY_RELOAD_INTERVAL_MS: "soon", ADMIN_API_KEYS: "ops:short" })).toThrow(
      /RELAY_RELOAD_INTERVAL_MS[\s\S]*ADMIN_API_KEYS: bad API key entry "ops…"[\s\S]*\[hidden\]/,
    );
  });
});
