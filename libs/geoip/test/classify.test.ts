import { BlockList } from "node:net";
import { describe, expect, it } from "vitest";
import { formatIPv4, formatIPv6, parseIPv6 } from "../src/address";
import { classifyIp, IPV4_RULES, IPV6_RULES, type Rule } from "../src/classify";

describe("classifyIp", () => {
  it.each([
    // RFC 1918, with the edges of each block.
    ["10.0.0.0", "private", "rfc1918"],
    ["10.255.255.255", "private", "rfc1918"],
    ["11.0.0.0", "public", null],
    ["172.15.255.255", "public", null],
    ["172.16.0.0", "private", "rfc1918"],
    ["172.31.255.255", "private", "rfc1918"],
    ["172.32.0.0", "public", null],
    ["192.167.255.255", "public", null],
    ["192.168.0.1", "private", "rfc1918"],
    ["192.169.0.0", "public", null],
    // Shared address space (carrier-grade NAT), RFC 6598.
    ["100.63.255.255", "public", null],
    ["100.64.0.0", "private", "cgnat"],
    ["100.127.255.255", "private", "cgnat"],
    ["100.128.0.0", "public", null],
    ["127.0.0.1", "private", "loopback"],
    ["127.255.255.254", "private", "loopback"],
    ["169.254.169.254", "private", "link-local"],
    ["0.0.0.0", "reserved", "this-network"],
    ["0.255.255.255", "reserved", "this-network"],
    ["192.0.0.8", "reserved", "ietf-protocol"],
    ["192.0.0.9", "public", null], // PCP anycast: globally reachable
    ["192.0.0.10", "public", null], // TURN anycast: globally reachable
    ["192.0.0.170", "reserved", "ietf-protocol"],
    ["192.0.2.1", "reserved", "documentation"],
    ["198.51.100.7", "reserved", "documentation"],
    ["203.0.113.255", "reserved", "documentation"],
    ["203.0.114.0", "public", null],
    ["198.17.255.255", "public", null],
    ["198.18.0.0", "reserved", "benchmarking"],
    ["198.19.255.255", "reserved", "benchmarking"],
    ["198.20.0.0", "public", null],
    ["192.31.196.1", "public", null], // AS112: globally reachable
    ["223.255.255.255", "public", null],
    ["224.0.0.1", "reserved", "multicast"],
    ["239.255.255.255", "reserved", "multicast"],
    ["240.0.0.1", "reserved", "reserved"],
    ["255.255.255.254", "reserved", "reserved"],
    ["255.255.255.255", "reserved", "broadcast"],
    ["8.8.8.8", "public", null],
    ["1.1.1.1", "public", null],
    // IPv4-mapped IPv6 is classified as the IPv4 address.
    ["::ffff:10.1.2.3", "private", "rfc1918"],
    ["::ffff:c0a8:0101", "private", "rfc1918"],
    ["::ffff:8.8.8.8", "public", null],
    // IPv6.
    ["::", "reserved", "unspecified"],
    ["::1", "private", "loopback"],
    ["::2", "reserved", "ipv4-compatible"],
    ["::8.8.8.8", "reserved", "ipv4-compatible"],
    ["::1:0:0", "reserved", "reserved"],
    ["64:ff9b::808:808", "public", null], // NAT64 well-known prefix: globally reachable
    ["64:ff9b:1::1", "reserved", "nat64-local"],
    ["100::1", "reserved", "discard"],
    ["100:0:0:1::1", "reserved", "dummy"],
    ["100:0:0:2::1", "reserved", "reserved"],
    ["2001::1", "public", null], // Teredo
    ["2001:0:ffff:ffff::", "public", null],
    ["2001:1::1", "public", null],
    ["2001:1::4", "reserved", "ietf-protocol"],
    ["2001:2::1", "reserved", "benchmarking"],
    ["2001:3::1", "public", null],
    ["2001:4:112::1", "public", null],
    ["2001:10::1", "reserved", "orchid"],
    ["2001:20::1", "public", null],
    ["2001:30::1", "public", null],
    ["2001:1ff:ffff::", "reserved", "ietf-protocol"],
    ["2001:200::", "public", null],
    ["2001:db7:ffff::", "public", null],
    ["2001:db8::1", "reserved", "documentation"],
    ["2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "reserved", "documentation"],
    ["2001:db9::", "public", null],
    ["2002:c000:0201::", "public", null], // 6to4
    ["2001:218::", "public", null],
    ["2a00:1450:4001::1", "public", null],
    ["3fff::1", "reserved", "documentation"],
    ["3fff:fff::", "reserved", "documentation"],
    ["3fff:1000::", "public", null],
    ["3fff:ffff::", "public", null],
    ["4000::", "reserved", "reserved"],
    ["5f00::1", "reserved", "srv6"],
    ["fbff:ffff::", "reserved", "reserved"],
    ["fc00::", "private", "unique-local"],
    ["fd12:3456::1", "private", "unique-local"],
    ["fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "private", "unique-local"],
    ["fe80::1", "private", "link-local"],
    ["febf:ffff::", "private", "link-local"],
    ["fec0::1", "reserved", "site-local"],
    ["ff02::1", "reserved", "multicast"],
    ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved", "multicast"],
    // Not addresses.
    ["", "invalid", null],
    ["1.2.3.4:80", "invalid", null],
    ["fe80::1%eth0", "invalid", null],
    ["010.0.0.1", "invalid", null],
  ] as const)("%s is %s (%s)", (ip, ipClass, ipRange) => {
    expect(classifyIp(ip)).toEqual({ ipClass, ipRange });
  });

  /*
   * The prefix matcher against node:net BlockList, one list per rule: for random addresses and
   * for the first and last address of every rule, the most specific rule containing the address
   * must be the one the matcher picked.
   */
  function prefixLength(rule: Rule): number {
    return Number(rule[0].split("/")[1]);
  }
  function oracle(rules: readonly Rule[], type: "ipv4" | "ipv6") {
    const lists = rules.map((rule) => {
      const list = new BlockList();
      const [address, bits] = rule[0].split("/");
      list.addSubnet(address ?? "", Number(bits), type);
      return { rule, list };
    });
    return (ip: string) => {
      const matches = lists.filter(({ list }) => list.check(ip, type)).map(({ rule }) => rule);
      matches.sort((a, b) => prefixLength(b) - prefixLength(a));
      const best = matches[0];
      return best ? { ipClass: best[1], ipRange: best[2] } : { ipClass: "public", ipRange: null };
    };
  }

  it("agrees with node:net BlockList for IPv4", () => {
    const expected = oracle(IPV4_RULES, "ipv4");
    let seed = 3;
    const next = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed;
    };
    const samples: string[] = [];
    for (let i = 0; i < 20_000; i++) samples.push(formatIPv4(next()));
    for (const [prefix] of IPV4_RULES) {
      const [address, bits] = prefix.split("/");
      const base = address ?? "";
      const size = 2 ** (32 - Number(bits));
      const start = base.split(".").reduce((v, o) => v * 256 + Number(o), 0);
      for (const v of [start - 1, start, start + size - 1, start + size]) {
        if (v >= 0 && v <= 0xffffffff) samples.push(formatIPv4(v));
      }
    }
    for (const ip of samples) expect(classifyIp(ip), ip).toEqual(expected(ip));
  });

  it("agrees with node:net BlockList for IPv6", () => {
    const expected = oracle(IPV6_RULES, "ipv6");
    let seed = 5;
    const next = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed >>> 16;
    };
    const samples: string[] = [];
    // Random addresses, biased towards the first groups the rules look at.
    const firsts = [0, 0x64, 0x100, 0x2001, 0x2002, 0x3fff, 0x5f00, 0xfc00, 0xfe80, 0xfec0, 0xff00];
    for (let i = 0; i < 20_000; i++) {
      const groups = Array.from({ length: 8 }, () => (next() % 4 === 0 ? 0 : next()));
      if (i % 2 === 0) groups[0] = firsts[i % firsts.length] ?? 0;
      if (i % 4 === 0) groups[1] = next() % 0x40;
      samples.push(formatIPv6(groups));
    }
    // First and last address of every rule.
    for (const [prefix] of IPV6_RULES) {
      const [address, bits] = prefix.split("/");
      const groups = parseIPv6(address ?? "") ?? [];
      const last = groups.map((g, i) => {
        const hostBits = Math.min(16, Math.max(0, 16 * (i + 1) - Number(bits)));
        return g | ((1 << hostBits) - 1);
      });
      samples.push(formatIPv6(groups), formatIPv6(last));
    }
    for (const ip of samples) {
      // IPv4-mapped addresses are classified as IPv4; the oracle knows only the IPv6 rules.
      if (/^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(ip)) continue;
      expect(classifyIp(ip), ip).toEqual(expected(ip));
    }
  });
});
