import type { Lang } from "@loginguard/i18n";
import { ANSWER_STRINGS } from "./answer-strings";
import { html, type SafeHtml } from "./html";
import { layout } from "./layout";

/**
 * `/answer#t=<token>`: the page a "was this you?" link opens, no session needed
 * (docs/ARCHITECTURE.md section 7). The token stays in the fragment (no server log, no Referer);
 * the page's script asks account-security about it, shows the sign-in, and answers with one
 * click (a POST carrying the CSRF token the view handed out).
 */
export function answerPage(o: { lang: Lang; langHref: Record<Lang, string> }): SafeHtml {
  const s = ANSWER_STRINGS[o.lang];
  const main = html`
<h1>${s.answerPageTitle}</h1>
<p class="lede">${s.answerPageLede}</p>
<section class="card attention" id="question" aria-labelledby="question-h">
  <h2 id="question-h">${s.answerPageTitle}</h2>
  <dl id="question-facts" class="facts" hidden>
    <div><dt>${s.answerPageAccount}</dt><dd id="question-account" class="mono"></dd></div>
    <div><dt>${s.answerPageWhen}</dt><dd id="question-when"></dd></div>
    <div><dt>${s.answerPageWhere}</dt><dd id="question-where"></dd></div>
  </dl>
  <div class="actions" id="question-actions" hidden>
    <button type="button" id="answer-yes" class="primary" aria-describedby="yes-help">${s.answerWordYes}</button>
    <button type="button" id="answer-no" class="danger" aria-describedby="no-help">${s.answerWordNo}</button>
  </div>
  <p id="yes-help" class="hint" hidden>${s.answerPageYesHelp}</p>
  <p id="no-help" class="hint" hidden>${s.answerPageNoHelp}</p>
  <div id="question-result" class="result" role="status" aria-live="polite"><p>${s.answerPageLoading}</p></div>
  <p><a id="question-me" href="/me" hidden>${s.answerPageMe}</a></p>
</section>`;
  return layout({ lang: o.lang, title: s.answerPageTitle, script: "answer", langHref: o.langHref, main });
}

/**
 * `/secure-account`: where notices about failed sign-ins lead. They ask no question (nobody
 * signed in); the page says what happened and what to do. No script, no session.
 */
export function secureAccountPage(o: { lang: Lang; langHref: Record<Lang, string> }): SafeHtml {
  const s = ANSWER_STRINGS[o.lang];
  const main = html`
<h1>${s.secureTitle}</h1>
<p class="lede">${s.secureLede}</p>
<section class="card" aria-labelledby="secure-what-h">
  <h2 id="secure-what-h">${s.secureWhatHeading}</h2>
  <p>${s.secureWhat}</p>
</section>
<section class="card attention" aria-labelledby="secure-do-h">
  <h2 id="secure-do-h">${s.secureDoHeading}</h2>
  <ol>
    <li>${s.secureDo1}</li>
    <li><strong>${s.secureDo2}</strong></li>
    <li>${s.secureDo3}</li>
  </ol>
  <p><a class="button" href="/me">${s.secureMe}</a></p>
</section>`;
  return layout({ lang: o.lang, title: s.secureTitle, langHref: o.langHref, main });
}
