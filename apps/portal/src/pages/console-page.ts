import type { StaffRole } from "@loginguard/auth";
import type { Lang } from "@loginguard/i18n";
import { html, type SafeHtml } from "./html";
import { layout } from "./layout";
import { fill, STRINGS, type Strings } from "./strings";

/** Which console page to show. */
export type ConsoleView =
  | { kind: "home" }
  | { kind: "account"; accountId: string }
  | { kind: "outbox" }
  | { kind: "audit" }
  | { kind: "staff" };

/** The staff member signed in, as the page shows them. */
export interface ConsoleViewer {
  email: string;
  role: StaffRole;
  csrfToken: string;
}

/** The console's URL of an account page. */
export function accountPath(accountId: string): string {
  return `/console/accounts/${encodeURIComponent(accountId)}`;
}

function nav(s: Strings, view: ConsoleView, role: StaffRole): SafeHtml {
  const item = (href: string, label: string, current: boolean) =>
    current
      ? html`<li><a href="${href}" aria-current="page">${label}</a></li>`
      : html`<li><a href="${href}">${label}</a></li>`;
  return html`<nav class="console-nav" aria-label="${s.navMain}"><ul>
${item("/console", s.navAccounts, view.kind === "home" || view.kind === "account")}
${item("/console/outbox", s.navOutbox, view.kind === "outbox")}
${item("/console/audit", s.sectionAudit, view.kind === "audit")}
${role === "admin" ? item("/console/staff", s.navStaff, view.kind === "staff") : ""}
</ul></nav>`;
}

function searchForm(s: Strings, value: string, compact: boolean): SafeHtml {
  return html`<form method="get" action="/console/search" class="search${compact ? " compact" : ""}" role="search">
  <label for="search-account">${s.searchLabel}</label>
  <div class="row">
    <input id="search-account" name="accountId" required maxlength="128" value="${value}" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="search-hint">
    <button type="submit" class="primary">${s.searchButton}</button>
  </div>
  <p id="search-hint" class="hint">${s.searchHint}</p>
</form>`;
}

/**
 * A section whose body the console script fills (`id` names it for the script); `intro` goes
 * above that body, `after` below it (forms that act on what it shows).
 */
function section(id: string, title: string, parts: { intro?: SafeHtml; after?: SafeHtml } = {}): SafeHtml {
  return html`<section class="card" id="${id}" aria-labelledby="${id}-h">
  <h2 id="${id}-h">${title}</h2>
  ${parts.intro ?? ""}
  <div class="section-body" id="${id}-body" aria-live="polite"></div>
  ${parts.after ?? ""}
</section>`;
}

function homeMain(s: Strings): SafeHtml {
  return html`<h1>${s.consoleTitle}</h1>
<section class="card" aria-labelledby="search-h"><h2 id="search-h">${s.searchHeading}</h2>${searchForm(s, "", false)}</section>
${section("overview", s.overviewHeading)}`;
}

function accountMain(s: Strings, accountId: string): SafeHtml {
  const unlock = html`<form id="unlock-form" class="stack" hidden novalidate>
  <label for="unlock-reason">${s.unlockReason}</label>
  <textarea id="unlock-reason" name="reason" rows="3" maxlength="2000" required aria-describedby="unlock-reason-hint"></textarea>
  <p id="unlock-reason-hint" class="hint">${s.unlockReasonHint}</p>
  <button type="submit" class="danger">${s.unlockStart}</button>
</form>
<div id="unlock-result" class="result" role="status" aria-live="polite"></div>
<dialog id="confirm-dialog" aria-labelledby="confirm-h">
  <form method="dialog" class="stack">
    <h2 id="confirm-h">${s.confirmTitle}</h2>
    <p id="confirm-body"></p>
    <div class="actions">
      <button type="submit" value="cancel" id="confirm-cancel">${s.cancel}</button>
      <button type="submit" value="confirm" id="confirm-ok" class="danger">${s.confirm}</button>
    </div>
  </form>
</dialog>`;
  return html`${searchForm(s, accountId, true)}
<h1>${s.accountHeading} <span class="mono">${accountId}</span></h1>
${section("lock", s.sectionLock, { after: unlock })}
${section("account-settings", s.sectionSettings)}
${section("decisions", s.sectionDecisions)}
${section("history", s.sectionHistory)}
${section("notifications", s.sectionNotifications)}
${section("account-outbox", s.outboxFor)}
${section("audit", s.sectionAudit)}`;
}

function outboxMain(s: Strings): SafeHtml {
  return html`<h1>${s.sectionOutbox}</h1>${section("outbox", s.sectionOutbox, { intro: html`<p>${s.outboxIntro}</p>` })}`;
}

function staffMain(s: Strings): SafeHtml {
  const form = html`<form id="staff-form" class="stack" novalidate>
  <label for="staff-email">${s.email}</label>
  <input id="staff-email" name="email" type="email" required maxlength="254" autocomplete="off">
  <label for="staff-role">${s.role}</label>
  <select id="staff-role" name="role"><option value="support">${s.role_support}</option><option value="admin">${s.role_admin}</option></select>
  <label for="staff-password">${s.password}</label>
  <input id="staff-password" name="password" type="password" required minlength="12" maxlength="256" autocomplete="new-password" aria-describedby="staff-password-hint">
  <p id="staff-password-hint" class="hint">${s.passwordHint}</p>
  <button type="submit" class="primary">${s.add}</button>
</form>
<div id="staff-result" class="result" role="status" aria-live="polite"></div>`;
  return html`<h1>${s.staffHeading}</h1>
${section("staff-list", s.staffHeading)}
<section class="card" aria-labelledby="staff-add-h"><h2 id="staff-add-h">${s.staffAdd}</h2>${form}</section>`;
}

function signInMain(s: Strings): SafeHtml {
  return html`<h1>${s.signInTitle}</h1>
<section class="card narrow">
  <p>${s.noSession}</p>
  <form id="sign-in-form" class="stack" novalidate>
    <label for="sign-in-email">${s.email}</label>
    <input id="sign-in-email" name="email" type="email" required autocomplete="username" maxlength="254">
    <label for="sign-in-password">${s.password}</label>
    <input id="sign-in-password" name="password" type="password" required autocomplete="current-password" maxlength="1024">
    <button type="submit" class="primary">${s.signIn}</button>
  </form>
  <div id="sign-in-result" class="result" role="status" aria-live="polite"></div>
</section>`;
}

/** A console page: the sign-in form when nobody is signed in, else the view's shell. */
export function consolePage(o: {
  lang: Lang;
  langHref: Record<Lang, string>;
  viewer: ConsoleViewer | null;
  view: ConsoleView;
}): SafeHtml {
  const s = STRINGS[o.lang];
  if (!o.viewer) {
    return layout({
      lang: o.lang,
      title: s.signInTitle,
      script: "console",
      langHref: o.langHref,
      main: signInMain(s),
      data: { view: "sign-in" },
    });
  }
  const { viewer, view } = o;
  const main =
    view.kind === "account"
      ? accountMain(s, view.accountId)
      : view.kind === "outbox"
        ? outboxMain(s)
        : view.kind === "staff"
          ? staffMain(s)
          : view.kind === "audit"
            ? html`<h1>${s.sectionAudit}</h1>${section("audit-trail", s.sectionAudit)}`
            : homeMain(s);
  const title = view.kind === "account" ? `${s.accountHeading} ${view.accountId}` : s.consoleTitle;
  const who = html`<span class="who">${fill(s.signedInAs, { email: viewer.email, role: s[`role_${viewer.role}`] })}</span>
<button type="button" id="sign-out" class="link-button">${s.signOut}</button>`;
  return layout({
    lang: o.lang,
    title,
    script: "console",
    langHref: o.langHref,
    headerExtra: who,
    nav: nav(s, view, viewer.role),
    main,
    meta: { "lg-csrf": viewer.csrfToken },
    data: {
      view: view.kind,
      role: viewer.role,
      ...(view.kind === "account" ? { "account-id": view.accountId } : {}),
    },
  });
}
