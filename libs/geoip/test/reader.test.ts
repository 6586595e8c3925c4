import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { LoginGuardError } from "@loginguard/errors";
import { silentLogger } from "@loginguard/observability";
import { open as openMaxmind, Reader, type Response } from "maxmind";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { defaultGeoIpDatabasePath } from "../src/default-path";
import { type GeoIpReader, openGeoIp } from "../src/reader";
import { testDb } from "./fixtures";

const logger = silentLogger();
const readers: GeoIpReader[] = [];

async function open(path?: string, cacheSize?: number): Promise<GeoIpReader> {
  const reader = await openGeoIp({ path, cacheSize, logger, watch: false });
  readers.push(reader);
  return reader;
}

afterAll(() => {
  for (const reader of readers) reader.close();
});

describe.each([
  ["GeoIP2-Country-Test", "GeoIP2-Country"],
  ["GeoIP2-City-Test", "GeoIP2-City"],
  ["GeoLite2-Country-Test", "GeoLite2-Country"],
] as const)("MaxMind %s (GeoIP2 schema)", (name, type) => {
  let geoip: GeoIpReader;
  beforeAll(async () => {
    geoip = await open(testDb(name));
  });

  it("reports the database type and build time from the metadata", () => {
    expect(geoip.database.type).toBe(type);
    expect(Number.isInteger(geoip.database.buildEpoch)).toBe(true);
    // 2026-02-04T22:49:29Z, as the test files say.
    expect(geoip.database.buildEpoch).toBe(1770245369);
  });

  it.each([
    ["2.125.160.216", "GB"],
    ["81.2.69.160", "GB"],
    ["89.160.20.112", "SE"],
    ["216.160.83.56", "US"],
    ["2001:218::", "JP"],
    ["2001:0218:0000::0001", "JP"],
    ["202.196.224.1", "PH"], // represented_country US (a military base): country stays PH
    ["214.1.1.1", null], // an anycast block without a country
    ["1.1.1.1", null], // not in the test database
  ])("%s -> %s", (ip, country) => {
    expect(geoip.locate(ip).country).toBe(country);
  });

  it("locates IPv4-mapped IPv6, dotted and hex, like the IPv4 address", () => {
    const plain = geoip.locate("81.2.69.160");
    const dotted = geoip.locate("::ffff:81.2.69.160");
    const hex = geoip.locate("::FFFF:5102:45a0");
    expect(plain).toEqual({ country: "GB", ipClass: "public", ipRange: null, normalizedIp: "81.2.69.160" });
    expect(dotted).toEqual(plain);
    expect(hex).toEqual(plain);
  });
});

describe("a database without countries", () => {
  it("GeoLite2-ASN is refused at open with a clear, non-retryable error", async () => {
    const error = await openGeoIp({ path: testDb("GeoLite2-ASN-Test"), logger, watch: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoginGuardError);
    expect(error).toMatchObject({
      code: "geoip_database_unsupported",
      retryable: false,
      context: { databaseType: "GeoLite2-ASN" },
    });
    expect((error as Error).message).toMatch(/GeoLite2-ASN database, which has no countries/);
  });
});

describe("the default CC0 database (ip-location-db geo-whois-asn-country)", () => {
  let geoip: GeoIpReader;
  let raw: Awaited<ReturnType<typeof openMaxmind>>;
  beforeAll(async () => {
    geoip = await open(); // no path: the default from npm
    raw = await openMaxmind(defaultGeoIpDatabasePath());
  });

  it("is found inside the npm package", () => {
    expect(geoip.path).toBe(defaultGeoIpDatabasePath());
    expect(geoip.path).toMatch(/@ip-location-db\/geo-whois-asn-country-mmdb\/geo-whois-asn-country\.mmdb$/);
    expect(geoip.database.type).toBe("country ipvAll");
    expect(geoip.database.buildEpoch).toBe(Math.floor(raw.metadata.buildEpoch.getTime() / 1000));
  });

  // What the database says (checked with the maxmind package, see the first assertion).
  it.each([
    ["8.8.8.8", "US"],
    ["1.1.1.1", "AU"],
    ["81.2.69.160", "GB"],
    ["89.160.20.112", "SE"],
    ["2001:4860:4860::8888", "US"],
    ["2a00:1450:4001::1", "IE"],
    ["2A00:1450:4001:0000:0000:0000:0000:0001", "IE"],
    ["::ffff:8.8.8.8", "US"],
    ["::ffff:0808:0808", "US"],
  ])("%s -> %s", (ip, country) => {
    expect(geoip.locate(ip)).toMatchObject({ country, ipClass: "public", ipRange: null });
  });

  it("agrees with the raw database for public addresses", () => {
    for (const ip of ["8.8.8.8", "1.1.1.1", "2a00:1450:4001::1", "9.9.9.9", "2606:4700:4700::1111"]) {
      expect(geoip.locate(ip).country).toBe((raw.get(ip) as { country_code?: string } | null)?.country_code);
    }
  });

  it("gives no country to private and reserved addresses the database maps to one", () => {
    // The database maps these to countries...
    expect(raw.get("192.168.1.1")).toEqual({ country_code: "AU" });
    expect(raw.get("203.0.113.5")).toEqual({ country_code: "AU" });
    expect(raw.get("2001:db8::1")).toEqual({ country_code: "JP" });
    expect(raw.get("::8.8.8.8")).toEqual({ country_code: "US" });
    // ...the reader does not.
    expect(geoip.locate("192.168.1.1")).toEqual({
      country: null,
      ipClass: "private",
      ipRange: "rfc1918",
      normalizedIp: "192.168.1.1",
    });
    expect(geoip.locate("::ffff:192.168.1.1")).toMatchObject({ country: null, ipClass: "private" });
    expect(geoip.locate("203.0.113.5")).toMatchObject({
      country: null,
      ipClass: "reserved",
      ipRange: "documentation",
    });
    expect(geoip.locate("2001:db8::1")).toMatchObject({
      country: null,
      ipClass: "reserved",
      ipRange: "documentation",
    });
    expect(geoip.locate("::8.8.8.8")).toMatchObject({
      country: null,
      ipClass: "reserved",
      ipRange: "ipv4-compatible",
    });
    expect(geoip.locate("100.64.0.1")).toMatchObject({ country: null, ipClass: "private", ipRange: "cgnat" });
    expect(geoip.locate("fd00::1")).toMatchObject({
      country: null,
      ipClass: "private",
      ipRange: "unique-local",
    });
  });

  it.each([
    "",
    "   ",
    "1.2.3.4:80",
    "[::1]:80",
    "fe80::1%eth0",
    "8.8.8.8/32",
    "008.8.8.8",
    "8.8.8",
    "garbage",
    "x".repeat(100_000),
  ])("malformed %j is invalid, never thrown", (text) => {
    expect(geoip.locate(text)).toEqual({
      country: null,
      ipClass: "invalid",
      ipRange: null,
      normalizedIp: null,
    });
  });

  it("non-string input is invalid, never thrown", () => {
    expect(geoip.locate(undefined as unknown as string).ipClass).toBe("invalid");
    expect(geoip.locate(42 as unknown as string).ipClass).toBe("invalid");
  });
});

describe("an IPv4-only database", () => {
  it("answers null for IPv6 instead of walking the IPv4 tree with IPv6 bits", async () => {
    const path = join(dirname(defaultGeoIpDatabasePath()), "geo-whois-asn-country-ipv4.mmdb");
    const raw = await openMaxmind(path);
    // The raw reader answers for 2001:4860:4860::8888 from some IPv4 block.
    expect(raw.metadata.ipVersion).toBe(4);
    expect(raw.get("2001:4860:4860::8888")).not.toBeNull();
    const geoip = await open(path);
    expect(geoip.locate("2001:4860:4860::8888")).toMatchObject({ country: null, ipClass: "public" });
    expect(geoip.locate("8.8.8.8").country).toBe("US");
    expect(geoip.locate("::ffff:8.8.8.8").country).toBe("US");
  });
});

describe("the cache", () => {
  it("answers a repeated lookup from the cache with the same frozen object", async () => {
    const geoip = await open(testDb("GeoIP2-Country-Test"));
    const first = geoip.locate("89.160.20.112");
    expect(geoip.stats()).toMatchObject({ cacheHits: 0, cacheMisses: 1, cacheEntries: 1 });
    const second = geoip.locate("89.160.20.112");
    expect(second).toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
    expect(geoip.stats()).toMatchObject({ cacheHits: 1, cacheMisses: 1, cacheEntries: 1 });
    // Another spelling is another key, with the same answer.
    expect(geoip.locate("::ffff:89.160.20.112")).toEqual(first);
    expect(geoip.stats()).toMatchObject({ cacheHits: 1, cacheMisses: 2, cacheEntries: 2 });
    // Invalid text is not cached.
    geoip.locate("nope");
    expect(geoip.stats().cacheEntries).toBe(2);
  });

  it("can be turned off", async () => {
    const geoip = await open(testDb("GeoIP2-Country-Test"), 0);
    expect(geoip.locate("89.160.20.112").country).toBe("SE");
    expect(geoip.locate("89.160.20.112").country).toBe("SE");
    expect(geoip.stats()).toMatchObject({ cacheHits: 0, cacheMisses: 2, cacheEntries: 0 });
  });

  it("stays within its size", async () => {
    const geoip = await open(testDb("GeoIP2-Country-Test"), 100);
    for (let i = 0; i < 1000; i++) geoip.locate(`81.2.${i >> 8}.${i & 0xff}`);
    expect(geoip.stats().cacheEntries).toBeLessThanOrEqual(100);
  });

  it("refuses a bad size", async () => {
    await expect(openGeoIp({ path: testDb("GeoIP2-Country-Test"), cacheSize: -1, logger })).rejects.toThrow(
      RangeError,
    );
    await expect(
      openGeoIp({ path: testDb("GeoIP2-Country-Test"), watchIntervalMs: 0, logger }),
    ).rejects.toThrow(RangeError);
  });
});

describe("files that are not usable databases", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "geoip-bad-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("a missing file", async () => {
    await expect(openGeoIp({ path: join(dir, "missing.mmdb"), logger })).rejects.toMatchObject({
      code: "geoip_database_unreadable",
      retryable: false,
    });
  });

  it.each([
    ["empty", Buffer.alloc(0)],
    ["garbage", Buffer.from("this is not a MaxMind database\n".repeat(100))],
    ["random bytes", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff))],
    ["gzip", gzipSync(Buffer.from("x".repeat(1000)))],
  ])("%s", async (name, bytes) => {
    const path = join(dir, `${name}.mmdb`);
    await writeFile(path, bytes);
    await expect(openGeoIp({ path, logger })).rejects.toMatchObject({
      code: "geoip_database_invalid",
      retryable: false,
    });
  });

  it("a damaged record: that lookup answers null country, logs, and is not cached", async () => {
    const bytes = Buffer.from(await readFile(testDb("GeoIP2-Country-Test")));
    // Find the file offset of the record for 89.160.20.112 (mmdb-lib internals) and break it.
    const raw = new Reader<Response>(bytes) as unknown as {
      findAddressInTree(ip: string): [number | null, number];
      metadata: { nodeCount: number; searchTreeSize: number };
    };
    const [pointer] = raw.findAddressInTree("89.160.20.112");
    if (pointer === null) throw new Error("test database changed: no record for 89.160.20.112");
    const offset = pointer - raw.metadata.nodeCount + raw.metadata.searchTreeSize;
    bytes[offset] = 0x00; // "extended type" control byte...
    bytes[offset + 1] = 0x00; // ...followed by an invalid type
    const path = join(dir, "damaged.mmdb");
    await writeFile(path, bytes);

    const damagedLogger = silentLogger();
    const errors = vi.spyOn(damagedLogger, "error");
    const geoip = await openGeoIp({ path, logger: damagedLogger, watch: false });
    readers.push(geoip);
    expect(geoip.locate("89.160.20.112")).toEqual({
      country: null,
      ipClass: "public",
      ipRange: null,
      normalizedIp: "89.160.20.112",
    });
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ path }), "GeoIP lookup failed");
    expect(geoip.stats().cacheEntries).toBe(0);
    expect(geoip.locate("81.2.69.160").country).toBe("GB"); // the rest still works
  });

  it("a truncated database", async () => {
    const whole = await readFile(testDb("GeoIP2-Country-Test"));
    const path = join(dir, "truncated.mmdb");
    await writeFile(path, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(openGeoIp({ path, logger })).rejects.toMatchObject({ code: "geoip_database_invalid" });
  });
});
