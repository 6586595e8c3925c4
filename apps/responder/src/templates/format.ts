import type { Lang } from "@loginguard/i18n";

const formats: Record<Lang, Intl.DateTimeFormat> = {
  // Contacts carry no time zone: English readers get UTC, Korean readers Korea time.
  en: new Intl.DateTimeFormat("en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    hourCycle: "h23",
    timeZone: "UTC",
  }),
  ko: new Intl.DateTimeFormat("ko-KR", {
    dateStyle: "long",
    timeStyle: "short",
    hourCycle: "h23",
    timeZone: "Asia/Seoul",
  }),
};

/** "22 Nov 2026, 02:50 UTC" / "2026년 11월 22일 11:50 (한국 시간)", 24-hour clock in both. */
export function formatTime(iso: string, lang: Lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return lang === "ko" ? `${formats.ko.format(date)} (한국 시간)` : `${formats.en.format(date)} UTC`;
}

/**
 * The portal page where the player answers "Was this you?" for one login: with a signed link
 * token, the sessionless `/answer` page (the token in the fragment, so it reaches no server log
 * or Referer); without one, the signed-in `/me` page.
 */
export function answerLink(publicUrl: string, loginEventId: string, token?: string): string {
  if (token) return `${publicUrl}/answer#t=${encodeURIComponent(token)}`;
  return `${publicUrl}/me?answer=${encodeURIComponent(loginEventId)}`;
}

/** "Secure your account": what failed sign-ins mean and what to do (not a yes/no question). */
export function secureAccountLink(publicUrl: string): string {
  return `${publicUrl}/secure-account`;
}

/** The player's own page (history, unlock). */
export function meLink(publicUrl: string): string {
  return `${publicUrl}/me`;
}
