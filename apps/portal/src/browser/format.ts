import { countryName, flagEmoji, type Lang } from "@loginguard/i18n";
import { fill, STRINGS, type Strings } from "../pages/strings";
import type { Problem } from "./api";

/** The page's language, as the server rendered it. */
export const lang: Lang = document.documentElement.lang === "ko" ? "ko" : "en";

/** The page's words. */
export const t: Strings = STRINGS[lang];

export { fill };

const locale = lang === "ko" ? "ko-KR" : "en-US";
// The reader's own time zone (the browser's), named so a screenshot or a support call is clear.
const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
// dateStyle/timeStyle cannot be combined with timeZoneName: spell the parts out.
const dateTimeZone = new Intl.DateTimeFormat(locale, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZoneName: "short",
});
const dateOnly = new Intl.DateTimeFormat(locale, { dateStyle: "long" });
const timeOnly = new Intl.DateTimeFormat(locale, { timeStyle: "short" });
const number = new Intl.NumberFormat(locale);

/** "Nov 22, 2025, 3:04 PM" in the reader's time zone; `zone` adds its name. */
export function formatTime(iso: string, zone = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (zone ? dateTimeZone : dateTime).format(d);
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}

export function formatClock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : timeOnly.format(d);
}

export function formatNumber(n: number): string {
  return number.format(n);
}

/** "🇧🇷 Brazil", or "Unknown location". */
export function countryText(code: string | null | undefined): string {
  if (!code) return t.unknownCountry;
  return `${flagEmoji(code)} ${countryName(code, lang)}`.trim();
}

/** A country's name alone (for sentences). */
export function countryWord(code: string | null | undefined): string {
  return code ? countryName(code, lang) : t.unknownCountry;
}

/** "3 min" or "40 s". */
export function waitText(seconds: number): string {
  return seconds >= 60
    ? fill(t.minutes, { n: Math.ceil(seconds / 60) })
    : fill(t.seconds, { n: Math.max(1, Math.round(seconds)) });
}

/** A readable message for a failed call. */
export function problemMessage(status: number, problem: Problem): string {
  if (status === 401) return t.errorSignedOut;
  if (status === 429) return fill(t.errorRateLimited, { wait: waitText(problem.retryAfter ?? 60) });
  if (status === 0 || status >= 500 || status === 404) return t.errorUnavailable;
  if (problem.errors?.length) return problem.errors.map((e) => e.message).join(" ");
  return problem.detail ?? t.errorGeneric;
}

/** A word from the dictionary by a dynamic key (action_lock, channel_sms ...), or the raw value. */
export function word(prefix: string, value: string): string {
  const key = `${prefix}_${value}` as keyof Strings;
  return Object.hasOwn(t, key) ? t[key] : value;
}
