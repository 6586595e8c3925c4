import { describe, expect, it } from "vitest";
import {
  ATTACKER_ORIGINS,
  COUNTRIES,
  countryOf,
  distanceKm,
  plausibleTravelMinutes,
  TRAVEL_DESTINATIONS,
} from "./countries";
import { fillDigits } from "./players";
import { createRandom } from "./random";

describe("the simulation's countries", () => {
  it("measures great-circle distances between country centres", () => {
    expect(distanceKm("KR", "KR")).toBe(0);
    expect(distanceKm("KR", "JP")).toBeGreaterThan(900);
    expect(distanceKm("KR", "JP")).toBeLessThan(1000);
    expect(Math.abs(distanceKm("KR", "BR") - distanceKm("BR", "KR"))).toBeLessThan(1e-6);
    expect(distanceKm("KR", "BR")).toBeGreaterThan(16_000);
  });

  it("leaves travellers at most 700 km/h between two countries", () => {
    for (const from of COUNTRIES.filter((c) => c.homeWeight > 0).map((c) => c.code)) {
      for (const to of TRAVEL_DESTINATIONS) {
        const hours = plausibleTravelMinutes(from, to) / 60;
        expect(distanceKm(from, to) / hours).toBeLessThan(700);
      }
    }
  });

  it("knows every destination and origin it names, and makes valid E.164 mobile numbers", () => {
    for (const code of [...TRAVEL_DESTINATIONS, ...ATTACKER_ORIGINS]) expect(countryOf(code).code).toBe(code);
    expect(() => countryOf("ZZ")).toThrow(/unknown simulation country ZZ/);
    const random = createRandom("phones");
    for (const c of COUNTRIES) expect(fillDigits(c.mobile, random)).toMatch(/^\+[1-9]\d{6,14}$/);
    expect(ATTACKER_ORIGINS.every((code) => countryOf(code).homeWeight === 0)).toBe(true);
  });
});
