import { z } from "zod";

/**
 * The one rule for text in events and at every HTTP boundary (issue 9 point 6, docs/RELIABILITY.md):
 *
 * - an identifier (accountId, eventId, sessionId, gameId, serverId, a path parameter) that holds a
 *   control character or is not valid UTF-8 is refused: a 400 naming the field at HTTP, a
 *   dead-letter record with the reason on a topic;
 * - free text from the game client (user agent, device id, failure reason) is never a reason to
 *   lose a security event: it is kept with control characters removed, invalid UTF-8 replaced by
 *   U+FFFD and its length capped.
 *
 * "Not valid UTF-8" in a JS string means a lone surrogate (a JSON `\ud800` escape) or U+FFFD
 * (what a lenient decoder made of bytes that were not UTF-8: the original is already lost).
 */

/** Why an identifier is refused, or null when it is fine. */
export type IdentifierProblem = "control_character" | "invalid_utf8" | null;

/** C0 controls, DEL and C1 controls: they break logs, URLs, record keys and PostgreSQL text (NUL). */
function isControl(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/** What is wrong with an identifier's characters (not its length). */
export function identifierProblem(text: string): IdentifierProblem {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x7f && c >= 0x20) continue;
    if (isControl(c)) return "control_character";
    if (c === 0xfffd) return "invalid_utf8";
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return "invalid_utf8";
    }
    if (c >= 0xdc00 && c <= 0xdfff) return "invalid_utf8";
  }
  return null;
}

/**
 * Like {@link identifierProblem} for a URL path parameter as routers hand it over: a router that
 * cannot percent-decode a segment (its bytes are not UTF-8, e.g. `%ED%A0%80`) passes it on
 * undecoded, so escapes that still do not decode mean invalid UTF-8.
 */
export function pathIdentifierProblem(text: string): IdentifierProblem {
  const problem = identifierProblem(text);
  if (problem || !/%[0-9a-f]{2}/i.test(text)) return problem;
  try {
    decodeURIComponent(text);
    return null;
  } catch {
    return "invalid_utf8";
  }
}

/** The message a refused identifier gets, naming what is wrong. */
export const IDENTIFIER_MESSAGES: Readonly<Record<Exclude<IdentifierProblem, null>, string>> = {
  control_character: "must not contain control characters",
  invalid_utf8: "must be valid UTF-8 (no lone surrogates, no U+FFFD)",
};

/** What cleaning did to a free-text value. */
export interface CleanedText {
  text: string;
  /** Control characters were removed. */
  control: boolean;
  /** Lone surrogates were replaced by U+FFFD. */
  invalidUtf8: boolean;
  /** The text was cut to the cap. */
  truncated: boolean;
}

/**
 * Free text as it is stored: control characters removed, lone surrogates replaced by U+FFFD, at
 * most `max` UTF-16 code units (never cutting a surrogate pair in two). Fast path: a clean short
 * string comes back as it is.
 */
export function cleanFreeText(text: string, max: number): CleanedText {
  let clean = true;
  for (let i = 0; i < text.length && clean; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff)) clean = false;
  }
  if (clean && text.length <= max) return { text, control: false, invalidUtf8: false, truncated: false };
  let out = "";
  let control = false;
  let invalidUtf8 = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isControl(c)) {
      control = true;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
        continue;
      }
      invalidUtf8 = true;
      out += "\ufffd";
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      invalidUtf8 = true;
      out += "\ufffd";
      continue;
    }
    out += text[i]!;
  }
  let truncated = false;
  if (out.length > max) {
    truncated = true;
    const last = out.charCodeAt(max - 1);
    out = out.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
  }
  return { text: out, control, invalidUtf8, truncated };
}

/** A zod identifier: 1 to `max` characters, no control characters, valid UTF-8. */
export function identifierSchema(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .superRefine((value, ctx) => {
      const problem = identifierProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: IDENTIFIER_MESSAGES[problem] });
    });
}

/**
 * A zod free-text field: any string in, the cleaned string out ({@link cleanFreeText}). A record
 * written by another client with a NUL or a 100 KB user agent is passed on cleaned, not lost.
 */
export function freeTextSchema(max: number) {
  return z.string().transform((value) => cleanFreeText(value, max).text);
}
