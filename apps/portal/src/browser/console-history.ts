import { api } from "./api";
import { type Child, el, replace, table, timeEl } from "./dom";
import { countryText, formatTime, problemMessage, t, word } from "./format";
import { p } from "./privacy-strings";
import type { Page, StaffHistoryItem } from "./types";

const when = (iso: string) => timeEl(iso, formatTime(iso));

/**
 * The masked IP, and for lines that still keep the full one a "Reveal IP" control: the staff
 * member must write a reason, the logger audits the reveal and only then answers the IP.
 */
function ipCell(accountId: string, i: StaffHistoryItem): Child {
  const cell = el("div", { class: "ip-cell" }, el("span", { class: "mono nowrap" }, i.ipMasked ?? "—"));
  if (!i.ipRevealable) return cell;
  const open = el("button", { class: "link-button", attrs: { type: "button" } }, p.reveal);
  open.addEventListener("click", () => {
    const reason = el("input", {
      class: "reveal-reason",
      attrs: { type: "text", maxlength: "2000", "aria-label": p.revealReason, placeholder: p.revealReason },
    });
    const go = el("button", { class: "reveal-go", attrs: { type: "button" } }, p.revealGo);
    const result = el("div", { class: "small", attrs: { role: "status" } });
    go.addEventListener("click", async () => {
      const text = reason.value.trim();
      if (!text) {
        reason.setAttribute("aria-invalid", "true");
        result.textContent = p.revealNeedsReason;
        reason.focus();
        return;
      }
      const res = await api<{ ip: string | null }>(
        `/v1/accounts/${encodeURIComponent(accountId)}/logins/${encodeURIComponent(i.eventId)}/ip`,
        { method: "POST", body: { reason: text } },
      );
      if (res.ok) {
        replace(
          cell,
          el("span", { class: "mono nowrap" }, i.ipMasked ?? "—"),
          el("div", { class: "mono nowrap revealed-ip" }, res.data.ip ?? p.revealGone),
        );
      } else result.textContent = problemMessage(res.status, res.problem);
    });
    replace(cell, el("span", { class: "mono nowrap" }, i.ipMasked ?? "—"), reason, go, result);
    reason.focus();
  });
  cell.append(open);
  return cell;
}

/** An account's history as staff see it (moved out of console.ts, which was over its size). */
export function renderHistory(accountId: string, page: Page<StaffHistoryItem>): Child {
  if (page.items.length === 0) return el("p", { class: "muted" }, t.historyEmpty);
  return table(
    t.sectionHistory,
    [t.col_time, t.col_result, t.col_country, t.col_ip, t.col_device, t.col_action, t.col_explanation],
    page.items.map((i) => [
      when(i.occurredAt),
      el(
        "span",
        { class: `badge ${i.result === "failure" ? "bad" : "good"}` },
        i.result === "failure" ? t.resultFailure : t.resultSuccess,
      ),
      el("span", { class: "nowrap" }, countryText(i.country)),
      ipCell(accountId, i),
      el(
        "div",
        {},
        el("span", {}, i.device ?? t.unknownDevice),
        i.userAgent ? el("div", { class: "muted small ua" }, i.userAgent) : null,
        i.deviceId ? el("div", { class: "muted small mono ua" }, i.deviceId) : null,
      ),
      i.action ? el("span", { class: `badge action ${i.action}` }, word("staffAction", i.action)) : "—",
      i.explanation ? el("div", { class: "explain" }, i.explanation) : "",
    ]),
  );
}
