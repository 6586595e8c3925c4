import type { Lang } from "@loginguard/i18n";
import { countryOptions } from "./countries";
import { html, type SafeHtml } from "./html";
import { layout } from "./layout";
import { STRINGS } from "./strings";

function countrySelect(id: string, lang: Lang, required: boolean): SafeHtml {
  const s = STRINGS[lang];
  const options = countryOptions(lang).map(
    (c) => html`<option value="${c.code}">${c.flag} ${c.name}</option>`,
  );
  return html`<select id="${id}" name="country"${required ? html` required` : ""}><option value="">${s.chooseCountry}</option>${options}</select>`;
}

function signOutForm(lang: Lang): SafeHtml {
  return html`<form method="post" action="/auth/player/sign-out" class="inline"><button type="submit" class="link-button">${STRINGS[lang].signOut}</button></form>`;
}

/** `/me` for a signed-in player: the shell the player script fills in. */
export function mePage(o: {
  lang: Lang;
  accountId: string;
  /** `?answer=<eventId>` from a notification's "Was this you?" link. */
  answerEventId: string | null;
  langHref: Record<Lang, string>;
}): SafeHtml {
  const s = STRINGS[o.lang];
  const main = html`
<h1>${s.meTitle}</h1>
<p class="lede">${s.meLede}</p>
<p class="account-line">${s.account}: <strong class="mono">${o.accountId}</strong></p>

<section class="card" id="status" aria-labelledby="status-h">
  <h2 id="status-h">${s.statusHeading}</h2>
  <div id="status-body" role="status" aria-live="polite"><p>${s.loading}</p></div>
</section>

<section class="card attention" id="answer" aria-labelledby="answer-h" hidden>
  <h2 id="answer-h">${s.answerHeading}</h2>
  <p id="answer-prompt">${s.answerPromptUnknown}</p>
  <div class="actions">
    <button type="button" id="answer-yes" class="primary">${s.answerYes}</button>
    <button type="button" id="answer-no" class="danger">${s.answerNo}</button>
  </div>
  <div id="answer-result" class="result" role="status" aria-live="polite"></div>
</section>

<section class="card" id="unlock" aria-labelledby="unlock-h" hidden>
  <h2 id="unlock-h">${s.unlockHeading}</h2>
  <p>${s.unlockIntro}</p>
  <form id="challenge-form" novalidate>
    <fieldset>
      <legend>${s.channelLegend}</legend>
      <label class="choice"><input type="radio" name="channel" value="email" checked> ${s.channelEmail}</label>
      <label class="choice"><input type="radio" name="channel" value="sms"> ${s.channelSms}</label>
    </fieldset>
    <button type="submit" id="send-code">${s.sendCode}</button>
  </form>
  <form id="verify-form" novalidate>
    <label for="code">${s.codeLabel}</label>
    <input id="code" name="code" class="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required aria-describedby="code-hint">
    <p id="code-hint" class="hint">${s.codeHint}</p>
    <button type="submit" class="primary" id="unlock-button">${s.unlockButton}</button>
  </form>
  <div id="unlock-result" class="result" role="status" aria-live="polite"></div>
</section>

<section class="card" id="history" aria-labelledby="history-h">
  <h2 id="history-h">${s.historyHeading}</h2>
  <ol id="history-list" class="history"></ol>
  <p id="history-status" class="muted" role="status" aria-live="polite">${s.loading}</p>
  <button type="button" id="more" hidden>${s.more}</button>
</section>

<section class="card" id="settings" aria-labelledby="settings-h">
  <h2 id="settings-h">${s.settingsHeading}</h2>
  <h3>${s.allowedHeading}</h3>
  <p class="hint">${s.allowedIntro}</p>
  <ul id="allowed-list" class="chips" aria-label="${s.allowedHeading}"></ul>
  <form id="allowed-form" class="row-form">
    <label for="allowed-add">${s.countryLabel}</label>
    <div class="row">${countrySelect("allowed-add", o.lang, true)}<button type="submit">${s.addCountry}</button></div>
  </form>
  <h3>${s.travelHeading}</h3>
  <p class="hint">${s.travelIntro}</p>
  <p id="travel-state"></p>
  <form id="travel-form" class="row-form">
    <label for="travel-country">${s.countryLabel}</label>
    ${countrySelect("travel-country", o.lang, true)}
    <label for="travel-until">${s.travelUntil}</label>
    <input type="date" id="travel-until" name="until" required>
    <div class="actions">
      <button type="submit">${s.travelSave}</button>
      <button type="button" id="travel-end" hidden>${s.travelEnd}</button>
    </div>
  </form>
  <p id="known" class="muted"></p>
  <div id="settings-result" class="result" role="status" aria-live="polite"></div>
</section>`;
  return layout({
    lang: o.lang,
    title: s.meTitle,
    script: "player",
    langHref: o.langHref,
    headerExtra: signOutForm(o.lang),
    main,
    data: { page: "me", ...(o.answerEventId ? { answer: o.answerEventId } : {}) },
  });
}

/** `/me` without a valid player session, and `/auth/player` with a bad token. */
export function signedOutPage(o: {
  lang: Lang;
  langHref: Record<Lang, string>;
  /** Link to the development sign-in (not in production). */
  devSignIn: string | null;
  invalidToken?: boolean;
}): SafeHtml {
  const s = STRINGS[o.lang];
  const title = o.invalidToken ? s.invalidTokenTitle : s.signedOutTitle;
  const main = html`
<h1>${title}</h1>
<section class="card"><p>${o.invalidToken ? s.invalidTokenBody : s.signedOutBody}</p>
${o.devSignIn ? html`<p><a class="button" href="${o.devSignIn}">${s.devSignInLink}</a></p>` : ""}
</section>`;
  return layout({ lang: o.lang, title, langHref: o.langHref, main });
}

/** `/dev/sign-in` (development only): a form that signs in as any account. */
export function devSignInPage(o: {
  lang: Lang;
  langHref: Record<Lang, string>;
  answerEventId: string | null;
}): SafeHtml {
  const s = STRINGS[o.lang];
  const main = html`
<h1>${s.devTitle}</h1>
<section class="card">
  <p>${s.devIntro}</p>
  <form method="post" action="/dev/sign-in" class="stack">
    <label for="account-id">${s.devAccount}</label>
    <input id="account-id" name="accountId" required maxlength="128" autocomplete="off" autocapitalize="off" spellcheck="false">
    ${o.answerEventId ? html`<input type="hidden" name="answer" value="${o.answerEventId}">` : ""}
    <button type="submit" class="primary">${s.devSubmit}</button>
  </form>
</section>`;
  return layout({ lang: o.lang, title: s.devTitle, langHref: o.langHref, main });
}

/**
 * A page that at once navigates to `href` on this site, so a SameSite=Strict cookie left out of
 * a cross-site navigation (a link in an email) is sent. No script: a meta refresh, plus a link.
 */
export function sameSiteRetryPage(lang: Lang, href: string): SafeHtml {
  const s = STRINGS[lang];
  return html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="0; url=${href}"><meta name="referrer" content="no-referrer">
<title>${s.meTitle} · ${s.brand}</title><link rel="icon" href="data:,"></head>
<body><main><p><a href="${href}">${s.meTitle}</a></p></main></body></html>`;
}
