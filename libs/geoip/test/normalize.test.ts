import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { formatIPv6, parseIPv6 } from "../src/address";
import { MAX_IP_TEXT_LENGTH, normalizeIp } from "../src/normalize";

describe("normalizeIp accepts", () => {
  it.each([
    ["8.8.8.8", "8.8.8.8", 4],
    ["  8.8.8.8\t\n", "8.8.8.8", 4],
    ["0.0.0.0", "0.0.0.0", 4],
    ["255.255.255.255", "255.255.255.255", 4],
    ["10.0.0.1", "10.0.0.1", 4],
    // IPv4-mapped IPv6, dotted and hex forms, any spelling: located like the IPv4 address.
    ["::ffff:1.2.3.4", "1.2.3.4", 4],
    ["::FFFF:1.2.3.4", "1.2.3.4", 4],
    ["::ffff:0102:0304", "1.2.3.4", 4],
    ["::ffff:102:304", "1.2.3.4", 4],
    ["0:0:0:0:0:ffff:8.8.8.8", "8.8.8.8", 4],
    ["0000:0000:0000:0000:0000:FFFF:0808:0808", "8.8.8.8", 4],
    ["::ffff:10.0.0.1", "10.0.0.1", 4],
    // IPv6 in RFC 5952 canonical form.
    ["::1", "::1", 6],
    ["::", "::", 6],
    ["0:0:0:0:0:0:0:1", "::1", 6],
    ["2001:DB8::1", "2001:db8::1", 6],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", 6],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", 6], // first of two equal runs
    ["2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1", 6], // longest run, single 0 kept
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", 6], // one zero group is not shortened
    ["1:0:0:0:0:0:0:0", "1::", 6],
    ["fe80::1", "fe80::1", 6],
    ["2a00:1450:4001:0:0:0:0:1", "2a00:1450:4001::1", 6],
    ["::1.2.3.4", "::102:304", 6], // IPv4-compatible (deprecated) stays IPv6
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221", 6],
    ["  2001:218::  ", "2001:218::", 6],
    ["ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 6],
  ] as const)("%j -> %s", (input, ip, version) => {
    expect(normalizeIp(input)).toEqual({ ok: true, ip, version });
  });
});

describe("normalizeIp rejects", () => {
  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["1.2.3.4:80", "port"],
    ["[::1]:80", "port"],
    ["[2001:db8::1]:443", "port"],
    ["fe80::1%eth0", "zone_id"],
    ["fe80::1%25eth0", "zone_id"],
    ["10.0.0.0/8", "cidr"],
    ["2001:db8::/32", "cidr"],
    ["010.1.1.1", "leading_zero"],
    ["1.2.3.04", "leading_zero"],
    ["1.2.3.00", "leading_zero"],
    ["256.1.1.1", "out_of_range"],
    ["1.2.3.1000", "out_of_range"],
    ["1.2.3", "malformed"],
    ["1.2.3.4.5", "malformed"],
    ["2130706433", "malformed"], // 127.0.0.1 as one number (inet_aton accepts it)
    ["0x7f.0.0.1", "malformed"],
    ["1. 2.3.4", "malformed"],
    ["[::1]", "malformed"],
    ["::ffff:010.1.1.1", "malformed"],
    ["::ffff:256.1.1.1", "malformed"],
    ["1::2::3", "malformed"],
    ["1:2:3:4:5:6:7:8:9", "malformed"],
    ["1:2:3:4:5:6:7::8", "malformed"], // "::" must stand for at least one group
    ["12345::", "malformed"],
    ["g::1", "malformed"],
    [":1", "malformed"],
    ["1:", "malformed"],
    ["localhost", "malformed"],
    ["example.com", "malformed"],
    ["not an ip", "malformed"],
    ["1.2.3.4\u0000", "malformed"],
    ["１.２.３.４", "malformed"], // full-width digits
    ["ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555", "too_long"],
    ["1".repeat(MAX_IP_TEXT_LENGTH + 1), "too_long"],
  ] as const)("%j: %s", (input, reason) => {
    expect(normalizeIp(input)).toEqual({ ok: false, reason });
  });

  it("10 MB of text, without trimming or scanning it", () => {
    expect(normalizeIp(` ${"1".repeat(10_000_000)} `)).toEqual({ ok: false, reason: "too_long" });
  });

  it("non-string values, without throwing", () => {
    for (const value of [null, undefined, 42, {}, [], Symbol("x"), 1n]) {
      expect(normalizeIp(value as unknown as string)).toEqual({ ok: false, reason: "not_a_string" });
    }
  });
});

describe("IPv6 parsing and formatting", () => {
  it("parses every shape of the text form", () => {
    expect(parseIPv6("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6("1::")).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6("::8")).toEqual([0, 0, 0, 0, 0, 0, 0, 8]);
    expect(parseIPv6("1:2::7:8")).toEqual([1, 2, 0, 0, 0, 0, 7, 8]);
    expect(parseIPv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6("1:2:3:4:5:6:1.2.3.4")).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
    expect(parseIPv6("1::1.2.3.4")).toEqual([1, 0, 0, 0, 0, 0, 0x102, 0x304]);
    expect(parseIPv6("ABCD::ef01")).toEqual([0xabcd, 0, 0, 0, 0, 0, 0, 0xef01]);
    expect(parseIPv6("1:2:3:4:5:6:7:1.2.3.4")).toBeNull();
    expect(parseIPv6("1:2:3:4:5:6::1.2.3.4")).toBeNull();
    expect(parseIPv6(":::")).toBeNull();
    expect(parseIPv6("1:::2")).toBeNull();
  });

  it("formats like the WHATWG URL serializer (RFC 5952 compression), for random addresses", () => {
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 5000; i++) {
      // Many zero groups, so that runs of every length and position occur.
      const groups = Array.from({ length: 8 }, () => (next() % 3 === 0 ? next() & 0xffff : 0));
      const text = formatIPv6(groups);
      expect(text).toBe(
        new URL(`http://[${groups.map((g) => g.toString(16)).join(":")}]/`).hostname.slice(1, -1),
      );
      expect(parseIPv6(text)).toEqual(groups);
    }
  });

  it("never throws and agrees with node:net on random text", () => {
    const tokens = [
      "::",
      ":",
      ":",
      "1",
      "0",
      "ff",
      "ABCD",
      "12345",
      ".",
      "1.2.3.4",
      "255",
      "%",
      "/",
      "[",
      "]",
      " ",
      "x",
    ];
    let seed = 11;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: 1 + next(12) }, () => tokens[next(tokens.length)]).join("");
      const result = normalizeIp(text);
      const trimmed = text.trim();
      if (result.ok) {
        accepted++;
        expect(isIP(trimmed)).not.toBe(0);
        expect(isIP(result.ip)).toBe(result.version);
      } else if (isIP(trimmed) !== 0) {
        // node:net accepts IPv6 zone ids; normalizeIp refuses them. Nothing else differs.
        expect(trimmed).toContain("%");
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });
});
