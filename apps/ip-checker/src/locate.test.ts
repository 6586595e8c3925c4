import { LoginLocatedSchema } from "@loginguard/events";
import { type GeoIpReader, openGeoIp } from "@loginguard/geoip";
import { silentLogger } from "@loginguard/observability";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attempted,
  GEOIP2_CITY_TEST,
  GEOIP2_COUNTRY_TEST,
  GEOLITE2_COUNTRY_TEST,
  maxmindTestDatabases,
} from "../test/fixtures";
import { locateLogin } from "./locate";

describe("locateLogin on the CC0 default database", () => {
  let geoip: GeoIpReader;
  beforeAll(async () => {
    geoip = await openGeoIp({ watch: false, logger: silentLogger() });
  });
  afterAll(() => geoip.close());

  it("locates a GB address and keeps the login as reported", () => {
    const located = locateLogin(geoip, attempted({ ip: "81.2.69.160" }));
    expect(located).toEqual({
      ...attempted({ ip: "81.2.69.160" }),
      location: {
        country: "GB",
        ipClass: "public",
        ipRange: null,
        normalizedIp: "81.2.69.160",
        geoipDatabase: { type: geoip.database.type, buildEpoch: geoip.database.buildEpoch },
      },
    });
    expect(LoginLocatedSchema.parse(located)).toEqual(located);
    expect(located.location.geoipDatabase?.buildEpoch).toBeGreaterThan(1_600_000_000);
  });

  it("locates IPv4-mapped IPv6 like its IPv4 address", () => {
    const mapped = locateLogin(geoip, attempted({ ip: "::ffff:81.2.69.160" })).location;
    const plain = locateLogin(geoip, attempted({ ip: "81.2.69.160" })).location;
    expect(mapped).toEqual(plain);
    expect(locateLogin(geoip, attempted({ ip: "::FFFF:5102:45a0" })).location.country).toBe("GB");
  });

  it("gives private and reserved addresses no country and names their block", () => {
    expect(locateLogin(geoip, attempted({ ip: "192.168.1.20" })).location).toEqual({
      country: null,
      ipClass: "private",
      ipRange: "rfc1918",
      normalizedIp: "192.168.1.20",
      geoipDatabase: null,
    });
    expect(locateLogin(geoip, attempted({ ip: "fd00::1" })).location).toMatchObject({
      country: null,
      ipClass: "private",
      ipRange: "unique-local",
    });
    expect(locateLogin(geoip, attempted({ ip: "203.0.113.7" })).location).toMatchObject({
      country: null,
      ipClass: "reserved",
      ipRange: "documentation",
    });
  });

  it("passes text that is not an address on as invalid, with the schema still satisfied", () => {
    const located = locateLogin(geoip, attempted({ ip: "1.2.3.4:5678" }));
    expect(located.ip).toBe("1.2.3.4:5678");
    expect(located.location).toEqual({
      country: null,
      ipClass: "invalid",
      ipRange: null,
      normalizedIp: null,
      geoipDatabase: null,
    });
    expect(LoginLocatedSchema.safeParse(located).success).toBe(true);
  });
});

describe.skipIf(maxmindTestDatabases().skip)(
  "locateLogin on MaxMind's GeoIP2/GeoLite2 test databases",
  () => {
    it.each([
      ["GeoIP2-Country", GEOIP2_COUNTRY_TEST],
      ["GeoLite2-Country", GEOLITE2_COUNTRY_TEST],
      ["GeoIP2-City", GEOIP2_CITY_TEST],
    ])("%s: GB, mapped GB, IPv6 and private", async (type, path) => {
      const geoip = await openGeoIp({ path, watch: false, logger: silentLogger() });
      try {
        const gb = locateLogin(geoip, attempted({ ip: "81.2.69.160" })).location;
        expect(gb.country).toBe("GB");
        expect(gb.geoipDatabase?.type).toBe(type);
        expect(locateLogin(geoip, attempted({ ip: "::ffff:81.2.69.160" })).location).toEqual(gb);
        expect(locateLogin(geoip, attempted({ ip: "2001:218::1" })).location.country).toBe("JP");
        expect(locateLogin(geoip, attempted({ ip: "10.1.2.3" })).location).toMatchObject({
          country: null,
          ipClass: "private",
        });
      } finally {
        geoip.close();
      }
    });
  },
);
