import { api } from "./api";
import { el, replace, say } from "./dom";
import { problemMessage } from "./format";
import { p } from "./privacy-strings";

interface Erasure {
  erasureId: string;
  status: "pending" | "done";
  services: Array<{ service: string; status: "pending" | "done" }>;
}

/** Shows an erasure's state and polls until every service confirmed. */
async function followErasure(accountId: string, region: HTMLElement): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const res = await api<Erasure>(`/v1/staff/accounts/${encodeURIComponent(accountId)}/erase`);
    if (!res.ok) {
      if (res.status !== 404) say(region, problemMessage(res.status, res.problem), "error");
      return;
    }
    const waiting = res.data.services.filter((s) => s.status === "pending").map((s) => s.service);
    region.dataset.status = res.data.status;
    if (res.data.status === "done") {
      say(region, p.eraseDone, "ok");
      return;
    }
    say(region, `${p.erasePending} ${waiting.join(", ")}`, "info");
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * The account page's "Player data" section for admins: export (a reason, then a JSON download)
 * and erase (a reason, then the account id typed again as the second confirmation), with the
 * erase shown pending until every service confirmed.
 */
export function mountPrivacySection(accountId: string): void {
  const main = document.querySelector("main");
  if (!main) return;
  const reason = el("textarea", { id: "privacy-reason", attrs: { maxlength: "2000", rows: "2" } });
  const exportButton = el("button", { id: "export-button", attrs: { type: "button" } }, p.exportButton);
  const eraseButton = el(
    "button",
    { id: "erase-button", class: "danger", attrs: { type: "button" } },
    p.eraseButton,
  );
  const confirmBox = el("div", { id: "erase-confirm", class: "stack", hidden: true });
  const result = el("div", {
    id: "privacy-result",
    class: "result",
    attrs: { role: "status", "aria-live": "polite" },
  });
  const section = el(
    "section",
    { class: "card", id: "privacy", attrs: { "aria-labelledby": "privacy-h" } },
    el("h2", { id: "privacy-h" }, p.privacyHeading),
    el("p", {}, p.privacyIntro),
    el("label", { attrs: { for: "privacy-reason" } }, p.reasonLabel),
    reason,
    el("div", { class: "actions" }, exportButton, eraseButton),
    confirmBox,
    result,
  );
  main.append(section);
  const reasonText = () => {
    const text = reason.value.trim();
    if (!text) {
      reason.setAttribute("aria-invalid", "true");
      reason.focus();
    } else reason.removeAttribute("aria-invalid");
    return text;
  };

  exportButton.addEventListener("click", async () => {
    const text = reasonText();
    if (!text) return;
    const res = await api<unknown>(
      `/v1/staff/accounts/${encodeURIComponent(accountId)}/export?reason=${encodeURIComponent(text)}`,
    );
    if (!res.ok) {
      say(result, problemMessage(res.status, res.problem), "error");
      return;
    }
    const blob = new Blob([JSON.stringify(res.data, null, 2)], { type: "application/json" });
    const link = el("a", { attrs: { download: `loginguard-export-${accountId}.json` } });
    link.href = URL.createObjectURL(blob);
    link.click();
    URL.revokeObjectURL(link.href);
    say(result, p.exportDone, "ok");
  });

  eraseButton.addEventListener("click", () => {
    if (!reasonText()) return;
    const typed = el("input", {
      id: "erase-typed",
      attrs: { type: "text", autocomplete: "off", "aria-label": p.eraseConfirm },
    });
    const go = el("button", { id: "erase-go", class: "danger", attrs: { type: "button" } }, p.eraseGo);
    replace(confirmBox, el("p", {}, p.eraseConfirm), typed, go);
    confirmBox.hidden = false;
    typed.focus();
    go.addEventListener("click", async () => {
      if (typed.value.trim() !== accountId) {
        say(result, p.eraseMismatch, "error");
        return;
      }
      const text = reasonText();
      if (!text) return;
      const res = await api(`/v1/staff/accounts/${encodeURIComponent(accountId)}/erase`, {
        method: "POST",
        body: { reason: text },
      });
      confirmBox.hidden = true;
      if (!res.ok) {
        say(result, problemMessage(res.status, res.problem), "error");
        return;
      }
      await followErasure(accountId, result);
    });
  });
  void followErasure(accountId, result);
}
