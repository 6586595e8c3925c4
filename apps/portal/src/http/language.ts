import { type Lang, pickLanguage } from "@loginguard/i18n";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";

/** The cookie that remembers a reader's language choice. */
export const LANG_COOKIE = "lg_lang";

/**
 * The page's language: `?lang=` (remembered in a cookie), else the remembered choice, else the
 * best of Accept-Language, else English.
 */
export function pageLanguage(c: Context, secure: boolean): Lang {
  const asked = c.req.query("lang");
  if (asked === "ko" || asked === "en") {
    setCookie(c, LANG_COOKIE, asked, {
      path: "/",
      sameSite: "Lax",
      httpOnly: true,
      secure,
      maxAge: 365 * 86_400,
    });
    return asked;
  }
  return pickLanguage(c.req.header("accept-language"), getCookie(c, LANG_COOKIE));
}

/** The current page's URL in each language (its other query parameters kept). */
export function languageLinks(c: Context): Record<Lang, string> {
  const url = new URL(c.req.url);
  const link = (lang: Lang) => {
    const params = new URLSearchParams(url.search);
    params.set("lang", lang);
    return `${url.pathname}?${params.toString()}`;
  };
  return { en: link("en"), ko: link("ko") };
}
