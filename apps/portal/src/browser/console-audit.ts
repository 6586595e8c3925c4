import { api } from "./api";
import { byId, type Child, el, replace, table, timeEl } from "./dom";
import { formatTime, t, word } from "./format";
import { p } from "./privacy-strings";
import type { AuditItem } from "./types";

const when = (iso: string) => timeEl(iso, formatTime(iso));

/** The audit trail as a table (moved out of console.ts); `withAccount` adds the account column. */
export function renderAudit(data: { items: AuditItem[] }, withAccount = false): Child {
  if (data.items.length === 0) return el("p", { class: "muted" }, t.auditEmpty);
  return table(
    t.sectionAudit,
    [t.col_time, t.col_who, t.col_what, ...(withAccount ? [t.col_account] : []), t.col_why, t.col_from],
    data.items.map((a) => [
      when(a.at),
      `${word("lockedBy", a.actor.kind)}${a.actor.email ? ` · ${a.actor.email}` : a.actor.id ? ` · ${a.actor.id}` : ""}`,
      el("code", {}, a.action),
      ...(withAccount ? [a.accountId ?? "—"] : []),
      a.reason ?? "—",
      el("span", { class: "mono nowrap" }, a.clientIp ?? "—"),
    ]),
  );
}

function field(id: string, label: string, name: string): Child[] {
  return [
    el("label", { attrs: { for: id } }, label),
    el("input", { id, attrs: { name, type: "text", maxlength: "256", autocomplete: "off" } }),
  ];
}

/**
 * The audit view (`/console/audit`): filters by staff member, action and account, newest first,
 * and a CSV download of what the filters select.
 */
export async function auditPage(): Promise<void> {
  const body = byId("audit-trail-body");
  const form = el(
    "form",
    { class: "stack audit-filters", attrs: { novalidate: "" } },
    ...field("audit-actor", p.auditFilterStaff, "actorId"),
    ...field("audit-action", p.auditFilterAction, "action"),
    ...field("audit-account", p.auditFilterAccount, "accountId"),
    el("button", { class: "primary", attrs: { type: "submit" } }, p.auditFilterGo),
  );
  const csv = el(
    "a",
    { id: "audit-csv", attrs: { href: "/v1/audit?format=csv", download: "loginguard-audit.csv" } },
    p.auditCsv,
  );
  const results = el("div", { id: "audit-results", attrs: { "aria-live": "polite" } });
  replace(body, form, el("p", {}, csv), results);
  const load = async () => {
    const query = new URLSearchParams();
    const data = new FormData(form);
    for (const name of ["actorId", "action", "accountId"]) {
      const value = String(data.get(name) ?? "").trim();
      if (value) query.set(name, value);
    }
    csv.setAttribute("href", `/v1/audit?${query}&format=csv`);
    query.set("limit", "200");
    const res = await api<{ items: AuditItem[] }>(`/v1/audit?${query}`);
    replace(results, res.ok ? renderAudit(res.data, true) : el("p", { class: "error" }, String(res.status)));
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void load();
  });
  await load();
}
