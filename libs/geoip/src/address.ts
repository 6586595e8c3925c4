/**
 * Low-level parsing and formatting of IP address text. Internal: callers use `normalizeIp`,
 * which decides what text is acceptable before these run.
 */

/** Strict dotted quad: four decimal octets 0-255, no leading zeros, nothing else. */
const IPV4_STRICT = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * The address as an unsigned 32-bit number, or null when `text` is not a strict dotted quad
 * (`010.1.1.1`, `1.2.3`, `256.0.0.1` and `0x7f.0.0.1` are not).
 */
export function parseIPv4(text: string): number | null {
  if (!IPV4_STRICT.test(text)) return null;
  let value = 0;
  let octet = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      value = (value << 8) | octet;
      octet = 0;
    } else {
      octet = octet * 10 + (c - 48);
    }
  }
  return ((value << 8) | octet) >>> 0;
}

/** Dotted quad text of an unsigned 32-bit number. */
export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** Value of a hexadecimal digit's char code, or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/**
 * The eight 16-bit groups of an IPv6 address in text form (RFC 4291 section 2.2: with or
 * without one `::`, with or without a trailing dotted quad), or null when it is not one. Zone
 * ids, brackets and prefix lengths are not accepted. One pass over the characters: this runs
 * for every IPv6 login that misses the cache.
 */
export function parseIPv6(text: string): number[] | null {
  const groups = [0, 0, 0, 0, 0, 0, 0, 0];
  const length = text.length;
  let count = 0; // groups written
  let gap = -1; // where "::" stands, as an index into groups
  let i = 0;
  if (length < 2) return null;
  if (text.charCodeAt(0) === 58 /* : */) {
    if (text.charCodeAt(1) !== 58) return null;
    gap = 0;
    i = 2;
  }
  while (i < length) {
    if (count === 8) return null;
    const start = i;
    let value = 0;
    while (i < length) {
      const h = hexValue(text.charCodeAt(i));
      if (h < 0) break;
      value = value * 16 + h;
      i++;
    }
    if (i < length && text.charCodeAt(i) === 46 /* . */) {
      // A trailing dotted quad fills the last two groups.
      if (count > 6) return null;
      const v4 = parseIPv4(text.slice(start));
      if (v4 === null) return null;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      break;
    }
    if (i === start || i - start > 4) return null;
    groups[count++] = value;
    if (i === length) break;
    if (text.charCodeAt(i) !== 58) return null;
    i++;
    if (i === length) return null; // "1:" ends in a lone colon
    if (text.charCodeAt(i) === 58) {
      if (gap !== -1) return null; // a second "::"
      gap = count;
      i++;
    }
  }
  if (gap === -1) return count === 8 ? groups : null;
  // "::" stands for at least one zero group: move the groups after it to the end.
  if (count > 7) return null;
  const after = count - gap;
  for (let k = 0; k < after; k++) groups[7 - k] = groups[count - 1 - k] ?? 0;
  for (let k = gap; k < 8 - after; k++) groups[k] = 0;
  return groups;
}

/**
 * RFC 5952 canonical text of eight 16-bit groups: lowercase, no leading zeros, the longest run
 * of two or more zero groups (the first one on a tie) shortened to `::`. Always hexadecimal:
 * IPv4-mapped addresses never get here (they are turned into IPv4 first).
 */
export function formatIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += "::";
      i += bestLength - 1;
      continue;
    }
    if (i > 0 && i !== bestStart + bestLength) out += ":";
    out += hexGroup(groups[i] ?? 0);
  }
  return out;
}

/** Hex text of each byte value, without and with a leading zero: `toString(16)` is slow here. */
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16));
const BYTE_HEX_PADDED = BYTE_HEX.map((h) => h.padStart(2, "0"));

function hexGroup(value: number): string {
  const high = value >>> 8;
  return high === 0
    ? (BYTE_HEX[value] ?? "")
    : (BYTE_HEX[high] ?? "") + (BYTE_HEX_PADDED[value & 0xff] ?? "");
}
