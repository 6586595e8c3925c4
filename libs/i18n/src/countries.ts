import type { Lang } from "./language";

const names: Record<Lang, Intl.DisplayNames> = {
  en: new Intl.DisplayNames(["en"], { type: "region" }),
  ko: new Intl.DisplayNames(["ko"], { type: "region" }),
};

/** "Brazil" / "브라질"; an unknown or null code reads "an unknown country". */
export function countryName(code: string | null | undefined, lang: Lang): string {
  if (!code || !/^[A-Z]{2}$/.test(code)) return lang === "ko" ? "알 수 없는 국가" : "an unknown country";
  try {
    return names[lang].of(code) ?? code;
  } catch {
    return code;
  }
}

/** The flag emoji of an ISO 3166-1 alpha-2 code ("" for none). */
export function flagEmoji(code: string | null | undefined): string {
  if (!code || !/^[A-Z]{2}$/.test(code)) return "";
  return String.fromCodePoint(...[...code].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}
