import { isIP } from "node:net";
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "./address";

/**
 * Longest acceptable address text after trimming: a full IPv6 address with a trailing dotted
 * quad, `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`, is 45 characters.
 */
export const MAX_IP_TEXT_LENGTH = 45;

/** Inputs longer than this are refused before even trimming them. */
const MAX_RAW_LENGTH = 256;

/** Why a text is not an IP address. */
export type NormalizeFailureReason =
  /** Not a string at all (null, number, object ...). */
  | "not_a_string"
  /** Empty or only whitespace. */
  | "empty"
  /** Longer than any IP address text can be. */
  | "too_long"
  /** An IPv6 zone id (`fe80::1%eth0`): local to one host, meaningless elsewhere. */
  | "zone_id"
  /** A prefix length (`10.0.0.0/8`): a network, not an address. */
  | "cidr"
  /** A port (`1.2.3.4:80`, `[::1]:80`): the caller must strip it. */
  | "port"
  /** A dotted-quad octet with a leading zero (`010.1.1.1`): octal to some parsers, decimal to others. */
  | "leading_zero"
  /** A dotted-quad octet above 255. */
  | "out_of_range"
  /** Anything else. */
  | "malformed";

/** The result of `normalizeIp`: the canonical address, or why there is none. */
export type NormalizedIp =
  | { readonly ok: true; readonly ip: string; readonly version: 4 | 6 }
  | { readonly ok: false; readonly reason: NormalizeFailureReason };

/**
 * `normalizeIp`'s answer with the parsed address kept, so classification does not parse the
 * text again. Internal.
 */
export type ParsedIp =
  | { readonly ok: true; readonly ip: string; readonly version: 4; readonly value: number }
  | { readonly ok: true; readonly ip: string; readonly version: 6; readonly groups: readonly number[] }
  | { readonly ok: false; readonly reason: NormalizeFailureReason };

const DOTTED_DIGITS = /^\d+\.\d+\.\d+\.\d+$/;
const IPV4_WITH_PORT = /^\d+\.\d+\.\d+\.\d+:\d+$/;
const BRACKETED_WITH_PORT = /^\[[^\]]*\]:\d+$/;

function fail(reason: NormalizeFailureReason): ParsedIp {
  return { ok: false, reason };
}

/**
 * Turns IP address text as a game server reports it into one canonical form, or says why it
 * cannot. Never throws.
 *
 * - Whitespace around the text is trimmed.
 * - IPv4: strict dotted quad only (no leading zeros, no `1.2.3`, no hex or single-number forms).
 * - IPv6: validated with `node:net` `isIP`, written in RFC 5952 canonical form
 *   (`2001:DB8:0:0::1` becomes `2001:db8::1`).
 * - IPv4-mapped IPv6 (`::ffff:1.2.3.4`, `::ffff:0102:0304`) becomes the IPv4 address, so a
 *   dual-stack socket's view of an IPv4 client is located like the IPv4 address.
 * - Ports, brackets, zone ids and prefix lengths are refused.
 *
 * @example normalizeIp(" ::FFFF:8.8.8.8 ") // { ok: true, ip: "8.8.8.8", version: 4 }
 */
export function normalizeIp(text: string): NormalizedIp {
  const parsed = parseIp(text);
  return parsed.ok ? { ok: true, ip: parsed.ip, version: parsed.version } : parsed;
}

/** `normalizeIp` keeping the parsed address (a 32-bit number or eight groups). Internal. */
export function parseIp(text: string): ParsedIp {
  if (typeof text !== "string") return fail("not_a_string");
  if (text.length > MAX_RAW_LENGTH) return fail("too_long");
  const s = text.trim();
  if (s.length === 0) return fail("empty");
  if (s.length > MAX_IP_TEXT_LENGTH) return fail("too_long");

  // The common case first: a dotted quad, which is its own canonical form.
  const value = parseIPv4(s);
  if (value !== null) return { ok: true, ip: s, version: 4, value };

  if (s.includes("%")) return fail("zone_id");
  if (s.includes("/")) return fail("cidr");
  if (IPV4_WITH_PORT.test(s) || BRACKETED_WITH_PORT.test(s)) return fail("port");
  if (DOTTED_DIGITS.test(s)) {
    const octets = s.split(".");
    if (octets.some((o) => o.length > 1 && o.startsWith("0"))) return fail("leading_zero");
    return fail("out_of_range");
  }
  // node:net validates, the one-pass parser below yields the groups; both must agree.
  if (isIP(s) !== 6) return fail("malformed");
  const groups = parseIPv6(s);
  if (groups === null) return fail("malformed");
  if (isIPv4Mapped(groups)) {
    const v4 = (((groups[6] ?? 0) << 16) | (groups[7] ?? 0)) >>> 0;
    return { ok: true, ip: formatIPv4(v4), version: 4, value: v4 };
  }
  return { ok: true, ip: formatIPv6(groups), version: 6, groups };
}

/** `::ffff:0:0/96` (RFC 4291 section 2.5.5.2). */
function isIPv4Mapped(groups: readonly number[]): boolean {
  return (
    groups[0] === 0 &&
    groups[1] === 0 &&
    groups[2] === 0 &&
    groups[3] === 0 &&
    groups[4] === 0 &&
    groups[5] === 0xffff
  );
}
