/**
 * The support console: sign-in, the overview, an account's page (lock and unlock with a
 * reason, settings, decisions, history, notifications, outbox, audit trail), the outbox and the
 * staff list. Calls the services' staff APIs on this origin with the session cookie and the CSRF
 * token the server put in the page. Everything from the server reaches the page as text.
 */

import { api, problemCode } from "./api";
import { staffAnswers } from "./console-answers";
import { auditPage, renderAudit } from "./console-audit";
import { renderHistory } from "./console-history";
import { mountPrivacySection } from "./console-privacy";
import { wireSignIn } from "./console-sign-in";
import { byId, type Child, el, replace, say, table, timeEl } from "./dom";
import {
  countryText,
  fill,
  formatClock,
  formatDate,
  formatNumber,
  formatTime,
  lang,
  problemMessage,
  t,
  word,
} from "./format";
import { renderDeadLetterHow, renderStuck } from "./operations-panels";
import { p } from "./privacy-strings";
import type {
  AuditItem,
  NotificationItem,
  OutboxItem,
  Overview,
  Page,
  StaffAccount,
  StaffHistoryItem,
  StaffSecurity,
} from "./types";

const view = document.body.dataset.view ?? "sign-in";

const accountHref = (id: string) => `/console/accounts/${encodeURIComponent(id)}`;
const when = (iso: string) => timeEl(iso, formatTime(iso));
const list = (codes: string[]) => (codes.length > 0 ? codes.map(countryText).join(", ") : t.none);

/** Fills a section with a request's result, or its error. */
async function fillSection<T>(
  id: string,
  path: string,
  render: (data: T) => Child | Child[],
): Promise<T | undefined> {
  const body = byId(`${id}-body`);
  replace(body, el("p", { class: "muted" }, t.loading));
  const res = await api<T>(path);
  if (!res.ok) {
    say(body, problemMessage(res.status, res.problem), "error");
    return undefined;
  }
  const out = render(res.data);
  replace(body, ...(Array.isArray(out) ? out : [out]));
  return res.data;
}

// ---- sign-in and sign-out ----

function wireSignOut(): void {
  document.getElementById("sign-out")?.addEventListener("click", async () => {
    await api("/v1/staff/sessions", { method: "DELETE" });
    location.assign("/console");
  });
}

// ---- overview ----

function loginBars(perMinute: Array<number | null>): HTMLElement {
  const max = Math.max(1, ...perMinute.map((n) => n ?? 0));
  const now = Date.now();
  const bars = perMinute.map((n, i) => {
    const minute = new Date(now - (perMinute.length - i) * 60_000).toISOString();
    const label = `${formatClock(minute)}: ${n === null ? "—" : formatNumber(n)}`;
    const bar = el("span", { class: "bar-fill" });
    bar.style.height = `${Math.round(((n ?? 0) / max) * 100)}%`;
    return el("li", { attrs: { "aria-label": label, title: label } }, bar);
  });
  return el("ol", { class: "bars", attrs: { "aria-label": t.overviewLoginsChart } }, ...bars);
}

function renderOverview(o: Overview): Child[] {
  const stat = (label: string, value: string) =>
    el(
      "div",
      { class: "stat" },
      el("p", { class: "stat-value" }, value),
      el("p", { class: "stat-label" }, label),
    );
  const rules = o.decisionsByRule.map((r) => [
    el("code", {}, r.code),
    word("mode", r.mode),
    formatNumber(r.lastHour),
    formatNumber(r.lastDay),
  ]);
  const locked = o.locked.recent.map((a) => [
    el("a", { attrs: { href: accountHref(a.accountId) } }, a.accountId),
    a.lockedAt ? when(a.lockedAt) : "—",
    a.reason ? el("code", {}, a.reason) : "—",
  ]);
  return [
    el(
      "div",
      { class: "stats" },
      stat(t.overviewLogins, o.logins.lastMinute === null ? "—" : formatNumber(o.logins.lastMinute)),
      stat(t.overviewLocked, formatNumber(o.locked.count)),
      stat(t.overviewDeadLetters, formatNumber(o.deadLetters.reduce((sum, d) => sum + d.count, 0))),
    ),
    el("h3", {}, t.overviewLoginsChart),
    loginBars(o.logins.perMinute),
    el("h3", {}, t.overviewDecisions),
    rules.length > 0
      ? table(t.overviewDecisions, [t.col_rule, t.col_mode, t.col_lastHour, t.col_lastDay], rules)
      : el("p", { class: "muted" }, t.decisionsEmpty),
    el("h3", {}, t.overviewLocked),
    locked.length > 0
      ? table(t.overviewLocked, [t.col_account, t.col_time, t.col_why], locked)
      : el("p", { class: "muted" }, t.none),
    el("h3", {}, t.overviewDeadLetters),
    o.deadLetters.length > 0
      ? table(
          t.overviewDeadLetters,
          [t.col_topic, t.col_count],
          o.deadLetters.map((d) => [el("code", {}, d.topic), formatNumber(d.count)]),
        )
      : el("p", { class: "muted" }, t.overviewDeadLettersNone),
    ...renderDeadLetterHow(o),
    ...renderStuck(o, accountHref, when),
    el("h3", {}, t.overviewNotifications),
    o.notifications.length > 0
      ? table(
          t.overviewNotifications,
          [t.col_channel, t.col_outcome, t.col_count],
          o.notifications.map((n) => [
            word("channel", n.channel),
            word("outcome", n.outcome),
            formatNumber(n.count),
          ]),
        )
      : el("p", { class: "muted" }, t.none),
    el(
      "p",
      { class: "hint" },
      o.mode === "embedded" ? t.overviewScopeEmbedded : t.overviewScopeDistributed,
      " ",
      t.overviewSince,
    ),
  ];
}

// ---- account page ----

function lockedByText(sec: StaffSecurity): string {
  const by = sec.lockedBy;
  if (!by) return word("lockedBy", "system");
  const who = word("lockedBy", by.kind);
  return by.id ? `${who} (${by.id})` : who;
}

function renderLock(sec: StaffSecurity): Child[] {
  const s = sec.state;
  const form = byId<HTMLFormElement>("unlock-form");
  form.hidden = !s.locked;
  const parts: Child[] = [];
  if (s.locked) {
    parts.push(
      el(
        "p",
        { class: "status-line locked-text" },
        el("span", { class: "status-icon", attrs: { "aria-hidden": "true" } }, "🔒"),
        fill(t.lockedSince, {
          time: s.lockedAt ? formatTime(s.lockedAt, true) : "—",
          by: lockedByText(sec),
          reason: s.reason ?? "—",
        }),
      ),
    );
    if (sec.lockLoginEventId)
      parts.push(el("p", { class: "muted mono" }, fill(t.lockLogin, { id: sec.lockLoginEventId })));
    const c = sec.unlockChallenge;
    if (c && !c.expired) {
      parts.push(
        el(
          "p",
          {},
          fill(t.unlockChallenge, {
            channel: c.channel ? word("channel", c.channel) : "—",
            time: formatClock(c.createdAt),
            tries: c.triesLeft,
          }),
        ),
      );
    }
  } else {
    parts.push(
      el(
        "p",
        { class: "status-line" },
        el("span", { class: "status-icon", attrs: { "aria-hidden": "true" } }, "✓"),
        t.notLocked,
      ),
    );
  }
  byId("lock").classList.toggle("locked", s.locked);
  return parts;
}

function renderSettings(sec: StaffSecurity): Child[] {
  const s = sec.state;
  return [
    el(
      "ul",
      { class: "plain-list" },
      el(
        "li",
        {},
        s.allowedCountries.length > 0
          ? fill(t.allowedList, { list: list(s.allowedCountries) })
          : t.allowedAll,
      ),
      el(
        "li",
        {},
        s.blockedCountries.length > 0
          ? fill(t.blockedList, { list: list(s.blockedCountries) })
          : t.blockedNone,
      ),
      el(
        "li",
        {},
        s.travel
          ? fill(t.travelLine, { country: countryText(s.travel.country), date: formatDate(s.travel.until) })
          : t.travelOff,
      ),
      el("li", {}, fill(t.knownList, { list: list(sec.knownCountries) })),
    ),
  ];
}

function renderDecisions(sec: StaffSecurity): Child {
  if (sec.decisions.length === 0) return el("p", { class: "muted" }, t.decisionsEmpty);
  return table(
    t.sectionDecisions,
    [t.col_time, t.col_action, t.col_reasons, t.col_explanation],
    sec.decisions.map((d) => [
      when(d.decidedAt),
      d.action
        ? el(
            "span",
            { class: `badge action ${d.action}` },
            d.actions.map((a) => word("staffAction", a)).join(" + "),
          )
        : "—",
      el(
        "ul",
        { class: "plain-list" },
        ...d.reasons.map((r) =>
          el(
            "li",
            {},
            el("code", { class: "nowrap" }, r.code),
            " ",
            el("span", { class: `mode ${r.mode}` }, word("mode", r.mode)),
          ),
        ),
      ),
      d.explanation,
    ]),
  );
}

function renderNotifications(data: { items: NotificationItem[] }): Child {
  if (data.items.length === 0) return el("p", { class: "muted" }, t.notificationsEmpty);
  return table(
    t.sectionNotifications,
    [t.col_time, t.col_channel, t.col_kind, t.col_outcome, t.col_attempts, t.col_detail],
    data.items.map((n) => [
      when(n.updatedAt),
      word("channel", n.channel),
      el("code", {}, n.kind),
      el("span", { class: `badge outcome ${n.outcome}` }, word("outcome", n.outcome)),
      String(n.attempts),
      n.detail ?? n.providerId ?? "",
    ]),
  );
}

function outboxTable(items: OutboxItem[], withAccount: boolean, codesHidden = false): Child {
  if (items.length === 0) return el("p", { class: "muted" }, t.outboxEmpty);
  const note = codesHidden ? el("p", { class: "muted small codes-hidden" }, p.codesHidden) : null;
  const headers = [
    t.col_time,
    ...(withAccount ? [t.col_account] : []),
    t.col_channel,
    t.col_to,
    t.col_message,
  ];
  const rows = table(
    t.sectionOutbox,
    headers,
    items.map((m) => [
      when(m.createdAt),
      ...(withAccount ? [el("a", { attrs: { href: accountHref(m.accountId) } }, m.accountId)] : []),
      word("channel", m.channel),
      el("span", { class: "mono" }, m.to),
      el(
        "div",
        { class: "message" },
        m.subject ? el("p", { class: "strong" }, m.subject) : null,
        el("pre", {}, m.text),
      ),
    ]),
  );
  return note ? el("div", {}, note, rows) : rows;
}

function wireUnlock(accountId: string, reload: () => Promise<void>): void {
  const form = byId<HTMLFormElement>("unlock-form");
  const reason = byId<HTMLTextAreaElement>("unlock-reason");
  const dialog = byId<HTMLDialogElement>("confirm-dialog");
  const result = byId("unlock-result");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    if (!text) {
      reason.setAttribute("aria-invalid", "true");
      say(result, t.reasonRequired, "error");
      reason.focus();
      return;
    }
    reason.removeAttribute("aria-invalid");
    replace(result);
    byId("confirm-body").textContent = fill(t.confirmBody, { id: accountId, reason: text });
    dialog.returnValue = "";
    dialog.showModal();
    byId("confirm-cancel").focus();
  });
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "confirm") {
      reason.focus();
      return;
    }
    const res = await api(`/v1/accounts/${encodeURIComponent(accountId)}/unlock`, {
      method: "POST",
      body: { reason: reason.value.trim() },
    });
    if (res.ok) {
      reason.value = "";
      say(result, t.unlockDone, "ok");
    } else if (problemCode(res.problem) === "account-not-locked") {
      say(result, t.unlockNotLocked, "info");
    } else {
      say(result, problemMessage(res.status, res.problem), "error");
    }
    await reload();
    byId("lock-h").setAttribute("tabindex", "-1");
    byId("lock-h").focus();
  });
}

async function accountPage(accountId: string): Promise<void> {
  const id = encodeURIComponent(accountId);
  const q = encodeURIComponent(accountId);
  const loadSecurity = async () => {
    const body = byId("lock-body");
    const res = await api<StaffSecurity>(`/v1/accounts/${id}/security?lang=${lang}`);
    if (!res.ok) {
      const message = problemMessage(res.status, res.problem);
      for (const section of ["lock", "account-settings", "decisions"])
        say(byId(`${section}-body`), message, "error");
      return;
    }
    replace(body, ...renderLock(res.data));
    replace(byId("account-settings-body"), ...renderSettings(res.data));
    replace(byId("decisions-body"), renderDecisions(res.data), staffAnswers(res.data.answers));
  };
  const loadAudit = () =>
    fillSection(`audit`, `/v1/audit?accountId=${q}&limit=50`, (d: { items: AuditItem[] }) => renderAudit(d));
  if (document.body.dataset.role === "admin") mountPrivacySection(accountId);
  wireUnlock(accountId, async () => {
    await Promise.all([loadSecurity(), loadAudit()]);
  });
  await Promise.all([
    loadSecurity(),
    fillSection(
      "history",
      `/v1/accounts/${id}/logins?limit=50&lang=${lang}`,
      (page: Page<StaffHistoryItem>) => renderHistory(accountId, page),
    ),
    fillSection("notifications", `/v1/accounts/${id}/notifications?limit=50`, renderNotifications),
    fillSection(
      "account-outbox",
      `/v1/outbox?accountId=${q}&limit=20`,
      (d: { items: OutboxItem[]; codesHidden?: boolean }) => outboxTable(d.items, false, d.codesHidden),
    ),
    loadAudit(),
  ]);
}

// ---- staff (admins) ----

function renderStaff(data: { items: StaffAccount[] }): Child {
  return table(
    t.staffHeading,
    [t.col_email, t.col_role, t.col_created, t.col_lastSignIn],
    data.items.map((s) => [
      s.email,
      word("role", s.role),
      when(s.createdAt),
      s.lastSignInAt ? when(s.lastSignInAt) : "—",
    ]),
  );
}

function wireStaffForm(reload: () => Promise<unknown>): void {
  const form = byId<HTMLFormElement>("staff-form");
  const result = byId("staff-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = {
      email: String(data.get("email") ?? "").trim(),
      role: String(data.get("role") ?? "support"),
      password: String(data.get("password") ?? ""),
    };
    const res = await api<{ staff: StaffAccount }>("/v1/admin/staff", { method: "POST", body });
    if (res.ok) {
      form.reset();
      say(result, fill(t.staffAdded, { email: res.data.staff.email }), "ok");
      await reload();
    } else {
      say(result, res.status === 409 ? t.staffExists : problemMessage(res.status, res.problem), "error");
    }
  });
}

// ---- start ----

async function main(): Promise<void> {
  wireSignOut();
  switch (view) {
    case "sign-in":
      wireSignIn();
      return;
    case "home":
      await fillSection("overview", "/v1/overview", renderOverview);
      return;
    case "account": {
      const accountId = document.body.dataset.accountId;
      if (accountId) await accountPage(accountId);
      return;
    }
    case "outbox":
      await fillSection(
        "outbox",
        "/v1/outbox?limit=100",
        (d: { items: OutboxItem[]; codesHidden?: boolean }) => outboxTable(d.items, true, d.codesHidden),
      );
      return;
    case "audit":
      await auditPage();
      return;
    case "staff": {
      const load = () => fillSection("staff-list", "/v1/admin/staff", renderStaff);
      wireStaffForm(load);
      await load();
      return;
    }
  }
}

void main();
