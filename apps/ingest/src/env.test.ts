import { describe, expect, it } from "vitest";
import { loadIngestConfig } from "./env";

describe("loadIngestConfig", () => {
  it("has the documented defaults and a status group unique per call", () => {
    const config = loadIngestConfig({ INGEST_API_KEYS: "eu-login:0123456789abcdef0123" });
    expect(config).toMatchObject({
      ratePerSecond: 5000,
      burstSeconds: 2,
      dedupeWindowMs: 600_000,
      dedupeMaxEntries: 200_000,
      publishTimeoutMs: 10_000,
      statusMaxAccounts: 500_000,
      statusMaxFlaggedIps: 100_000,
    });
    expect([...config.apiKeys.keys()]).toEqual(["eu-login"]);
    expect(config.statusGroup).toMatch(/^ingest-status-.+-\d+-[a-z0-9]+$/);
    expect(loadIngestConfig({}).statusGroup).not.toBe(config.statusGroup);
    expect(loadIngestConfig({ INGEST_STATUS_GROUP: "fixed" }).statusGroup).toBe("fixed");
  });

  it("names a bad key entry without showing the keys", () => {
    let message = "";
    try {
      loadIngestConfig({ INGEST_API_KEYS: "eu-login:short-secret", INGEST_RATE_PER_SECOND: "-1" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/INGEST_API_KEYS: bad API key entry "eu-login…"/);
    expect(message).toMatch(/INGEST_RATE_PER_SECOND/);
    expect(message).not.toContain("short-secret");
  });
});
