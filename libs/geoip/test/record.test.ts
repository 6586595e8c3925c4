import { describe, expect, it } from "vitest";
import { countryFromRecord } from "../src/record";

describe("countryFromRecord", () => {
  it.each([
    // GeoIP2 / GeoLite2 Country and City.
    [{ country: { iso_code: "SE" }, registered_country: { iso_code: "DE" } }, "SE"],
    // No country: where the block is registered is not where the player is.
    [{ registered_country: { iso_code: "DE" } }, null],
    [
      {
        country: { iso_code: "PH" },
        registered_country: { iso_code: "PH" },
        represented_country: { iso_code: "US" },
      },
      "PH",
    ],
    [{ city: { names: { en: "London" } }, country: { iso_code: "GB" } }, "GB"],
    [{ traits: { is_anycast: true } }, null],
    [{ continent: { code: "EU" } }, null],
    // ip-location-db.
    [{ country_code: "AU" }, "AU"],
    [{ country_code: "au" }, "AU"],
    // Not a country.
    [{ country_code: "ZZ" }, null],
    [{ country_code: "" }, null],
    [{ country_code: "USA" }, null],
    [{ country_code: 36 }, null],
    [{ country: "GB" }, null],
    [{ country: { iso_code: null }, registered_country: { iso_code: "FR" } }, null],
    // Pseudo-codes: a continent, an anonymous proxy, a satellite provider, "other", Tor.
    [{ country_code: "EU" }, null],
    [{ country_code: "ap" }, null],
    [{ country: { iso_code: "EU" }, registered_country: { iso_code: "DE" } }, null],
    [{ country: { iso_code: "A1" } }, null],
    [{ country: { iso_code: "A2" } }, null],
    [{ country: { iso_code: "O1" } }, null],
    [{ country_code: "T1" }, null],
    [{ country_code: "XX" }, null],
    [{ autonomous_system_number: 15169, autonomous_system_organization: "Google Inc." }, null],
    [{}, null],
    [null, null],
    ["GB", null],
    [42, null],
  ])("%j -> %s", (record, country) => {
    expect(countryFromRecord(record)).toBe(country);
  });
});
