import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_RULES_CONFIG, rulesForGame } from "./config";
import { loadRulesConfig } from "./config-file";

const EXAMPLE = new URL("../../rules.example.json", import.meta.url).pathname;

describe("RULES_CONFIG", () => {
  it("the example file parses and restates the built-in defaults", () => {
    const example = loadRulesConfig(EXAMPLE);
    expect(example.rules).toEqual(DEFAULT_RULES_CONFIG.rules);
    expect(example.channels).toEqual(DEFAULT_RULES_CONFIG.channels);
    expect(rulesForGame(example, "kr-licensed")).toMatchObject({
      gameAllowedCountries: ["KR"],
      rules: { failure_burst: { mode: "enforce", minFailures: 5, quietMinutes: 60 } },
    });
    expect(rulesForGame(example, "casual-mobile").rules.impossible_travel).toEqual({
      mode: "shadow",
      maxSpeedKmh: 1000,
      minDistanceKm: 500,
      skipKnownPairs: true,
    });
  });

  it("no file means the built-in rules; an unknown game gets the global settings", () => {
    expect(loadRulesConfig(undefined)).toBe(DEFAULT_RULES_CONFIG);
    expect(rulesForGame(DEFAULT_RULES_CONFIG, "anything").rules).toBe(DEFAULT_RULES_CONFIG.rules);
    expect(rulesForGame(DEFAULT_RULES_CONFIG, "toString").gameAllowedCountries).toEqual([]);
  });

  it("names the file and the problem when it cannot be used", () => {
    const dir = mkdtempSync(join(tmpdir(), "rules-"));
    try {
      const broken = join(dir, "broken.json");
      writeFileSync(broken, "{ not json");
      expect(() => loadRulesConfig(broken)).toThrow(/broken\.json.*JSON/);
      expect(() => loadRulesConfig(join(dir, "missing.json"))).toThrow(/missing\.json/);
      const wrong = join(dir, "wrong.json");
      writeFileSync(wrong, JSON.stringify({ channels: [], games: { g: { allowedCountries: ["Korea"] } } }));
      expect(() => loadRulesConfig(wrong)).toThrow(/wrong\.json is invalid/);
      expect(() => loadRulesConfig(wrong)).toThrow(/games\.g\.allowedCountries\.0: expected an ISO/);
      expect(() => loadRulesConfig(wrong)).toThrow(/channels: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
