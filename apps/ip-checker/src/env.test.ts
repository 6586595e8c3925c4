import { describe, expect, it } from "vitest";
import { loadIpCheckerConfig } from "./env";

describe("loadIpCheckerConfig", () => {
  it("has defaults and reads GEOIP_DB", () => {
    expect(loadIpCheckerConfig({})).toEqual({
      geoipPath: undefined,
      geoipCacheSize: 100_000,
      maxInFlight: 500,
    });
    expect(loadIpCheckerConfig({ GEOIP_DB: "/data/GeoLite2-Country.mmdb" }).geoipPath).toBe(
      "/data/GeoLite2-Country.mmdb",
    );
  });

  it("names a bad value", () => {
    expect(() => loadIpCheckerConfig({ GEOIP_CACHE_SIZE: "lots" })).toThrow(/GEOIP_CACHE_SIZE/);
  });
});
