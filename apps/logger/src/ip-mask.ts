import { isIPv4, isIPv6 } from "node:net";

/**
 * The form of an IP address shown to players and kept after IP_RETENTION_DAYS: IPv4 with its last
 * octet hidden (`203.0.113.x`), IPv6 with its last 80 bits hidden (`2001:db8:85a3:x:x:x:x:x`, the
 * first 48 bits kept, about a site). IPv4-mapped IPv6 (`::ffff:203.0.113.7`) is masked as the IPv4
 * address it is. Null for text that is not an IP address.
 */
export function maskIp(text: string): string | null {
  const ip = text.trim();
  if (isIPv4(ip)) return `${ip.slice(0, ip.lastIndexOf("."))}.x`;
  // node:net accepts zone ids (`fe80::1%eth0`); an address local to one host is not masked.
  if (!isIPv6(ip) || ip.includes("%")) return null;
  const groups = ipv6Groups(ip);
  if (!groups) return null;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const high = groups[6] ?? 0;
    return `${high >>> 8}.${high & 0xff}.${(groups[7] ?? 0) >>> 8}.x`;
  }
  return `${groups
    .slice(0, 3)
    .map((g) => g.toString(16))
    .join(":")}:x:x:x:x:x`;
}

/** The eight 16-bit groups of a valid IPv6 text (checked by `isIPv6` first), or null. */
function ipv6Groups(ip: string): number[] | null {
  let text = ip;
  const tail: number[] = [];
  // A trailing dotted quad is the last two groups.
  const dotted = text.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, dotted.index);
    if (text.endsWith(":") && !text.endsWith("::")) text = text.slice(0, -1);
  }
  const [head = "", rest] = text.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const before = parse(head);
  const after = [...parse(rest ?? ""), ...tail];
  const missing = 8 - before.length - after.length;
  if (rest === undefined ? missing !== 0 : missing < 0) return null;
  const groups = [...before, ...new Array<number>(missing).fill(0), ...after];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : null;
}
