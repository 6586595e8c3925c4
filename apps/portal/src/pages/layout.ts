import type { Lang } from "@loginguard/i18n";
import { html, type SafeHtml } from "./html";
import { STRINGS } from "./strings";

/** Paths of the portal's static files (bundled at start from src/browser). */
export const ASSETS = {
  css: "/portal/assets/portal.css",
  player: "/portal/assets/player.js",
  console: "/portal/assets/console.js",
  answer: "/portal/assets/answer.js",
} as const;

export interface LayoutOptions {
  lang: Lang;
  title: string;
  /** The page's script; none for pages that work without one. */
  script?: "player" | "console" | "answer";
  /** Where the language links lead (the same page in the other language). */
  langHref: Record<Lang, string>;
  /** Extra items on the right of the top bar (sign-out, who is signed in). */
  headerExtra?: SafeHtml;
  /** Navigation under the top bar (the console's sections). */
  nav?: SafeHtml;
  main: SafeHtml;
  /** `<meta name=... content=...>` for the script (CSRF token). */
  meta?: Record<string, string>;
  /** `data-*` attributes of `<body>` telling the script what to show. */
  data?: Record<string, string>;
}

function languageSwitch(lang: Lang, langHref: Record<Lang, string>): SafeHtml {
  const s = STRINGS[lang];
  const link = (to: Lang, label: string) =>
    to === lang
      ? html`<li><a href="${langHref[to]}" lang="${to}" hreflang="${to}" aria-current="true">${label}</a></li>`
      : html`<li><a href="${langHref[to]}" lang="${to}" hreflang="${to}">${label}</a></li>`;
  return html`<nav class="lang" aria-label="${s.language}"><ul>${link("ko", "한국어")}${link("en", "English")}</ul></nav>`;
}

/** The page frame every portal page shares: landmarks, skip link, language switch, one stylesheet. */
export function layout(o: LayoutOptions): SafeHtml {
  const s = STRINGS[o.lang];
  const meta = Object.entries(o.meta ?? {}).map(
    ([name, content]) => html`<meta name="${name}" content="${content}">`,
  );
  const data = Object.entries(o.data ?? {}).map(([name, value]) => html` data-${name}="${value}"`);
  const script = o.script ? html`<script type="module" src="${ASSETS[o.script]}"></script>` : "";
  return html`<!doctype html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${o.title} · ${s.brand}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSETS.css}">
${meta}
${script}
</head>
<body${data}>
<a class="skip" href="#main">${s.skip}</a>
<header class="top">
  <div class="top-inner">
    <span class="brand">${s.brand}</span>
    <div class="top-right">${languageSwitch(o.lang, o.langHref)}${o.headerExtra ?? ""}</div>
  </div>
  ${o.nav ?? ""}
</header>
<main id="main" tabindex="-1">
${o.main}
</main>
<footer class="foot"><p>${s.footer}</p></footer>
</body>
</html>`;
}
