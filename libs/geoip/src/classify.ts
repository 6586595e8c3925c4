import { parseIPv4, parseIPv6 } from "./address";
import { type ParsedIp, parseIp } from "./normalize";

/**
 * What kind of address a login came from (docs/ARCHITECTURE.md section 2, `login.located`):
 *
 * - `public`: globally reachable; the only class that is ever given a country.
 * - `private`: not globally reachable but used for real traffic inside a network the player or
 *   the operator controls: RFC 1918, unique-local, shared CGNAT space, link-local, loopback.
 *   A login from there came through a proxy, a VPN or the operator's own network.
 * - `reserved`: every other block the IANA special-purpose registries mark as not globally
 *   reachable, plus multicast, broadcast and space not allocated for unicast. No real client
 *   should have one.
 * - `invalid`: not an IP address (see `normalizeIp`).
 */
export type IpClass = "public" | "private" | "reserved" | "invalid";

/** The special-purpose block a private or reserved address belongs to. */
export type IpRange =
  | "rfc1918"
  | "cgnat"
  | "loopback"
  | "link-local"
  | "unique-local"
  | "this-network"
  | "unspecified"
  | "ietf-protocol"
  | "documentation"
  | "benchmarking"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "ipv4-compatible"
  | "nat64-local"
  | "discard"
  | "dummy"
  | "orchid"
  | "srv6"
  | "site-local";

/**
 * The class of an address and, for `private` and `reserved`, the block it is in. `ipRange` is
 * null for `public` and `invalid`.
 */
export interface IpClassification {
  readonly ipClass: IpClass;
  readonly ipRange: IpRange | null;
}

/** One row of the tables: a prefix, the class it gives, the block name. */
export type Rule = readonly [prefix: string, ipClass: Exclude<IpClass, "invalid">, ipRange: IpRange | null];

/*
 * IPv4: the IANA IPv4 Special-Purpose Address Registry (RFC 6890 and updates), entries whose
 * "Globally Reachable" is False, plus multicast. Longest prefix wins, so the globally
 * reachable exceptions inside 192.0.0.0/24 are listed as public.
 */
export const IPV4_RULES: readonly Rule[] = [
  ["0.0.0.0/0", "public", null],
  ["0.0.0.0/8", "reserved", "this-network"], // RFC 791, RFC 1122 3.2.1.3
  ["10.0.0.0/8", "private", "rfc1918"], // RFC 1918
  ["100.64.0.0/10", "private", "cgnat"], // RFC 6598 shared address space
  ["127.0.0.0/8", "private", "loopback"], // RFC 1122
  ["169.254.0.0/16", "private", "link-local"], // RFC 3927
  ["172.16.0.0/12", "private", "rfc1918"], // RFC 1918
  ["192.0.0.0/24", "reserved", "ietf-protocol"], // RFC 6890 (incl. 192.0.0.0/29 RFC 7335, .8 RFC 7600, .170/.171 RFC 8880)
  ["192.0.0.9/32", "public", null], // PCP anycast, RFC 7723: globally reachable
  ["192.0.0.10/32", "public", null], // TURN anycast, RFC 8155: globally reachable
  ["192.0.2.0/24", "reserved", "documentation"], // TEST-NET-1, RFC 5737
  ["192.168.0.0/16", "private", "rfc1918"], // RFC 1918
  ["198.18.0.0/15", "reserved", "benchmarking"], // RFC 2544
  ["198.51.100.0/24", "reserved", "documentation"], // TEST-NET-2, RFC 5737
  ["203.0.113.0/24", "reserved", "documentation"], // TEST-NET-3, RFC 5737
  ["224.0.0.0/4", "reserved", "multicast"], // RFC 5771
  ["240.0.0.0/4", "reserved", "reserved"], // RFC 1112 section 4
  ["255.255.255.255/32", "reserved", "broadcast"], // RFC 919, RFC 8190
];

/*
 * IPv6: the IANA IPv6 Special-Purpose Address Registry, entries whose "Globally Reachable" is
 * False, plus multicast, deprecated site-local, and everything outside 2000::/3, which the IANA
 * IPv6 Address Space registry keeps "Reserved by IETF" (RFC 4291). IPv4-mapped ::ffff:0:0/96
 * never gets here: normalizeIp turns it into IPv4.
 */
export const IPV6_RULES: readonly Rule[] = [
  ["::/0", "reserved", "reserved"], // RFC 4291: not allocated for unicast
  ["2000::/3", "public", null], // global unicast, RFC 4291
  ["::/128", "reserved", "unspecified"], // RFC 4291
  ["::1/128", "private", "loopback"], // RFC 4291
  ["::/96", "reserved", "ipv4-compatible"], // RFC 4291 2.5.5.1, deprecated
  ["64:ff9b::/96", "public", null], // NAT64 well-known prefix, RFC 6052: globally reachable
  ["64:ff9b:1::/48", "reserved", "nat64-local"], // RFC 8215
  ["100::/64", "reserved", "discard"], // RFC 6666
  ["100:0:0:1::/64", "reserved", "dummy"], // RFC 9780
  ["2001::/23", "reserved", "ietf-protocol"], // RFC 2928
  ["2001::/32", "public", null], // Teredo, RFC 4380: reachability N/A, tunnelled public clients
  ["2001:1::1/128", "public", null], // PCP anycast, RFC 7723
  ["2001:1::2/128", "public", null], // TURN anycast, RFC 8155
  ["2001:1::3/128", "public", null], // DNS-SD SRP anycast, RFC 9665
  ["2001:2::/48", "reserved", "benchmarking"], // RFC 5180
  ["2001:3::/32", "public", null], // AMT, RFC 7450
  ["2001:4:112::/48", "public", null], // AS112-v6, RFC 7535
  ["2001:10::/28", "reserved", "orchid"], // RFC 4843, deprecated
  ["2001:20::/28", "public", null], // ORCHIDv2, RFC 7343
  ["2001:30::/28", "public", null], // DETs, RFC 9374
  ["2001:db8::/32", "reserved", "documentation"], // RFC 3849
  ["3fff::/20", "reserved", "documentation"], // RFC 9637
  ["5f00::/16", "reserved", "srv6"], // RFC 9602
  ["fc00::/7", "private", "unique-local"], // RFC 4193
  ["fe80::/10", "private", "link-local"], // RFC 4291
  ["fec0::/10", "reserved", "site-local"], // RFC 3879, deprecated
  ["ff00::/8", "reserved", "multicast"], // RFC 4291
];

interface V4Entry {
  readonly base: number;
  readonly mask: number;
  readonly result: IpClassification;
}

interface V6Entry {
  /** Four 32-bit words of the prefix, already masked. */
  readonly words: readonly number[];
  /** Per-word masks. */
  readonly masks: readonly number[];
  readonly result: IpClassification;
}

const PUBLIC: IpClassification = Object.freeze({ ipClass: "public", ipRange: null });
const INVALID: IpClassification = Object.freeze({ ipClass: "invalid", ipRange: null });

function resultOf(ipClass: Exclude<IpClass, "invalid">, ipRange: IpRange | null): IpClassification {
  return ipClass === "public" && ipRange === null ? PUBLIC : Object.freeze({ ipClass, ipRange });
}

function splitPrefix(rule: string): [string, number] {
  const slash = rule.indexOf("/");
  return [rule.slice(0, slash), Number(rule.slice(slash + 1))];
}

function maskOf(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

/** Longest prefix first, so the first match is the most specific. */
function byLengthDescending(a: Rule, b: Rule): number {
  return splitPrefix(b[0])[1] - splitPrefix(a[0])[1];
}

const V4_TABLE: readonly V4Entry[] = [...IPV4_RULES]
  .sort(byLengthDescending)
  .map(([prefix, ipClass, ipRange]) => {
    const [address, bits] = splitPrefix(prefix);
    const base = parseIPv4(address);
    if (base === null) throw new Error(`bad IPv4 rule ${prefix}`);
    const mask = maskOf(bits);
    return { base: (base & mask) >>> 0, mask, result: resultOf(ipClass, ipRange) };
  });

const V6_TABLE: readonly V6Entry[] = [...IPV6_RULES]
  .sort(byLengthDescending)
  .map(([prefix, ipClass, ipRange]) => {
    const [address, bits] = splitPrefix(prefix);
    const groups = parseIPv6(address);
    if (groups === null) throw new Error(`bad IPv6 rule ${prefix}`);
    const words = toWords(groups);
    const masks = [0, 1, 2, 3].map((i) => maskOf(bits - 32 * i));
    return {
      words: words.map((w, i) => (w & (masks[i] ?? 0)) >>> 0),
      masks,
      result: resultOf(ipClass, ipRange),
    };
  });

function toWords(groups: readonly number[]): number[] {
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push((((groups[i] ?? 0) << 16) | (groups[i + 1] ?? 0)) >>> 0);
  return words;
}

function classifyV4(value: number): IpClassification {
  for (const entry of V4_TABLE) {
    if ((value & entry.mask) >>> 0 === entry.base) return entry.result;
  }
  return PUBLIC;
}

function classifyV6(groups: readonly number[]): IpClassification {
  const w = toWords(groups);
  const w0 = w[0] ?? 0;
  const w1 = w[1] ?? 0;
  const w2 = w[2] ?? 0;
  const w3 = w[3] ?? 0;
  for (const e of V6_TABLE) {
    const m = e.masks;
    const p = e.words;
    if (
      (w0 & (m[0] ?? 0)) >>> 0 === p[0] &&
      (w1 & (m[1] ?? 0)) >>> 0 === p[1] &&
      (w2 & (m[2] ?? 0)) >>> 0 === p[2] &&
      (w3 & (m[3] ?? 0)) >>> 0 === p[3]
    ) {
      return e.result;
    }
  }
  return PUBLIC;
}

/** Classifies an address `parseIp` accepted. Internal fast path for the reader. */
export function classifyParsedIp(parsed: ParsedIp): IpClassification {
  if (!parsed.ok) return INVALID;
  return parsed.version === 4 ? classifyV4(parsed.value) : classifyV6(parsed.groups);
}

/**
 * Says whether an address is public, private, reserved or not an address at all, without any
 * database. Accepts any text `normalizeIp` accepts (so `::ffff:10.0.0.1` is private, `rfc1918`).
 *
 * @example classifyIp("100.64.1.2") // { ipClass: "private", ipRange: "cgnat" }
 * @example classifyIp("2001:db8::1") // { ipClass: "reserved", ipRange: "documentation" }
 */
export function classifyIp(ip: string): IpClassification {
  return classifyParsedIp(parseIp(ip));
}
