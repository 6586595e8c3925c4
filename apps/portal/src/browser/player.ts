/**
 * The player's `/me` page: status and self-service unlock, "Was this you?", the login history
 * and the country settings. Talks to logger and account-security on this origin with the
 * player's cookie; everything from the server reaches the page as text.
 */
import { type AnswerItem, answerLine } from "./answer-line";
import { api, type Problem, problemCode } from "./api";
import { append, byId, el, replace, say, timeEl } from "./dom";
import {
  countryText,
  countryWord,
  fill,
  formatClock,
  formatDate,
  formatTime,
  lang,
  problemMessage,
  t,
  word,
} from "./format";
import type { HistoryItem, Page, PlayerSecurity } from "./types";

const PAGE_SIZE = 10;

const state: {
  security: PlayerSecurity | null;
  items: HistoryItem[];
  nextCursor: string | null;
  answered: Set<string>;
  answers: Map<string, AnswerItem>;
} = { security: null, items: [], nextCursor: null, answered: new Set(), answers: new Map() };

const answerId = document.body.dataset.answer ?? null;

// ---- status and unlock ----

function lockExplanation(sec: PlayerSecurity): string {
  // The newest line whose lock this is explains it in the logger's words, with the evidence.
  const line = state.items.find(
    (i) => i.action === "lock" && i.explanation && (sec.reason === null || i.reasons.includes(sec.reason)),
  );
  if (line?.explanation) return line.explanation;
  const key = `lockReason_${sec.reason}` as keyof typeof t;
  return Object.hasOwn(t, key) ? t[key] : t.lockReason_other;
}

function statusLine(locked: boolean): HTMLElement {
  return el(
    "p",
    { class: "status-line" },
    el("span", { class: "status-icon", attrs: { "aria-hidden": "true" } }, locked ? "🔒" : "✓"),
    locked ? t.statusLocked : t.statusActive,
  );
}

/** Draws the status card; `message` (e.g. "unlocked, change your password") goes under it. */
function renderStatus(message?: Node): void {
  const sec = state.security;
  if (!sec) return;
  const card = byId("status");
  card.classList.toggle("locked", sec.locked);
  card.classList.toggle("active", !sec.locked);
  const parts: Node[] = [statusLine(sec.locked)];
  if (sec.locked) {
    if (sec.lockedAt)
      parts.push(el("p", {}, fill(t.statusLockedSince, { time: formatTime(sec.lockedAt, true) })));
    parts.push(el("p", { class: "why" }, fill(t.statusLockedWhy, { why: lockExplanation(sec) })));
  } else {
    parts.push(el("p", { class: "muted" }, t.statusActiveDetail));
  }
  if (sec.blockedCountries.length > 0) {
    parts.push(
      el("p", {}, fill(t.blockedCountries, { list: sec.blockedCountries.map(countryText).join(", ") })),
    );
  }
  if (message) parts.push(message);
  replace(byId("status-body"), ...parts);
}

function renderUnlock(): void {
  const sec = state.security;
  const section = byId("unlock");
  section.hidden = !sec?.locked;
  const pending = sec?.unlock;
  const result = byId("unlock-result");
  if (sec?.locked && pending && !pending.expired && result.childElementCount === 0) {
    say(
      result,
      fill(t.codePending, {
        sent: formatClock(pending.createdAt),
        expires: formatClock(pending.expiresAt),
        tries: fill(t.triesLeft, { n: pending.triesLeft }),
      }),
    );
  }
}

async function loadSecurity(message?: Node): Promise<void> {
  const res = await api<PlayerSecurity>("/v1/me/security");
  if (!res.ok) {
    say(byId("status-body"), problemMessage(res.status, res.problem), "error");
    return;
  }
  state.security = res.data;
  for (const a of res.data.answers ?? []) {
    state.answers.set(a.loginEventId, a);
    state.answered.add(a.loginEventId);
  }
  renderStatus(message);
  renderUnlock();
  renderSettings();
}

function unlockProblem(status: number, problem: Problem): string {
  switch (problemCode(problem)) {
    case "unlock-code-wrong":
      return (problem.triesLeft ?? 0) > 0
        ? fill(t.codeWrong, { n: problem.triesLeft ?? 0 })
        : t.codeWrongLast;
    case "unlock-code-expired":
      return t.codeExpired;
    case "unlock-code-missing":
      return t.codeMissing;
    case "unlock-tries-exhausted":
      return t.codeExhausted;
    default:
      return problemMessage(status, problem);
  }
}

function wireUnlock(): void {
  const result = byId("unlock-result");
  byId<HTMLFormElement>("challenge-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const channel = new FormData(form).get("channel") === "sms" ? "sms" : "email";
    const button = byId<HTMLButtonElement>("send-code");
    button.disabled = true;
    const res = await api<{ expiresAt: string }>("/v1/me/unlock/challenge", {
      method: "POST",
      body: { channel },
    });
    button.disabled = false;
    if (!res.ok) {
      say(result, problemMessage(res.status, res.problem), "error");
      return;
    }
    button.textContent = t.sendAgain;
    say(result, fill(t.codeSent, { time: formatClock(res.data.expiresAt) }), "ok");
    byId<HTMLInputElement>("code").focus();
  });

  byId<HTMLFormElement>("verify-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>("code");
    const code = input.value.replace(/\s+/g, "");
    if (!/^\d{6}$/.test(code)) {
      input.setAttribute("aria-invalid", "true");
      say(result, t.codeInvalid, "error");
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    const button = byId<HTMLButtonElement>("unlock-button");
    button.disabled = true;
    const res = await api<{ unlocked: boolean }>("/v1/me/unlock/verify", { method: "POST", body: { code } });
    button.disabled = false;
    if (!res.ok) {
      say(result, unlockProblem(res.status, res.problem), "error");
      return;
    }
    input.value = "";
    replace(result);
    await loadSecurity(
      el(
        "div",
        { class: "result ok" },
        el("p", { class: "strong" }, t.unlocked),
        el("p", {}, t.passwordReminder),
      ),
    );
    await loadHistory();
    byId("status-h").setAttribute("tabindex", "-1");
    byId("status-h").focus();
  });
}

// ---- "Was this you?" ----

async function answer(eventId: string, reply: "yes" | "no", region: Element): Promise<void> {
  const res = await api<{ country: string | null; locked: boolean }>(
    `/v1/me/logins/${encodeURIComponent(eventId)}/answer`,
    { method: "POST", body: { answer: reply } },
  );
  if (!res.ok) {
    say(region, res.status === 404 ? t.answerNotFound : problemMessage(res.status, res.problem), "error");
    return;
  }
  state.answered.add(eventId);
  if (reply === "yes") {
    say(region, fill(t.answerYesDone, { country: countryWord(res.data.country) }), "ok");
    await loadSecurity();
    return;
  }
  say(
    region,
    el("div", {}, el("p", { class: "strong" }, t.answerNoDone), el("p", {}, t.passwordReminder)),
    "error",
  );
  await loadSecurity();
  const unlock = byId("unlock");
  unlock.scrollIntoView({ block: "start" });
  byId("unlock-h").setAttribute("tabindex", "-1");
  byId("unlock-h").focus({ preventScroll: true });
}

function renderAnswerPrompt(): void {
  if (!answerId) return;
  const section = byId("answer");
  section.hidden = false;
  const item = state.items.find((i) => i.eventId === answerId);
  if (item) {
    byId("answer-prompt").textContent = fill(t.answerPrompt, {
      time: formatTime(item.occurredAt, true),
      country: countryText(item.country),
    });
  }
}

function wireAnswer(): void {
  if (!answerId) return;
  const region = byId("answer-result");
  const buttons = [byId<HTMLButtonElement>("answer-yes"), byId<HTMLButtonElement>("answer-no")];
  const reply = async (value: "yes" | "no") => {
    for (const b of buttons) b.disabled = true;
    await answer(answerId, value, region);
    if (!state.answered.has(answerId)) for (const b of buttons) b.disabled = false;
    else renderHistory();
  };
  buttons[0]?.addEventListener("click", () => void reply("yes"));
  buttons[1]?.addEventListener("click", () => void reply("no"));
  renderAnswerPrompt();
}

// ---- history ----

function deliveredChannels(item: HistoryItem): string[] {
  const channels = new Set<string>();
  for (const n of item.notifications ?? []) {
    if (n.outcome === "delivered" && n.kind === "notification") channels.add(word("channel", n.channel));
  }
  return [...channels];
}

function askInline(item: HistoryItem): HTMLElement | null {
  if (item.result !== "success" || !item.action || state.answered.has(item.eventId)) return null;
  // The notification's own question is asked at the top already.
  if (item.eventId === answerId) return null;
  const region = el("div", { class: "result", attrs: { role: "status", "aria-live": "polite" } });
  const yes = el("button", { attrs: { type: "button" } }, t.answerYes);
  const no = el("button", { class: "danger", attrs: { type: "button" } }, t.answerNo);
  const reply = async (value: "yes" | "no") => {
    yes.disabled = true;
    no.disabled = true;
    await answer(item.eventId, value, region);
    if (!state.answered.has(item.eventId)) {
      yes.disabled = false;
      no.disabled = false;
    } else {
      yes.remove();
      no.remove();
    }
  };
  yes.addEventListener("click", () => void reply("yes"));
  no.addEventListener("click", () => void reply("no"));
  return el(
    "div",
    { class: "ask" },
    el("p", { class: "strong" }, t.answerInline),
    el("div", { class: "actions" }, yes, no),
    region,
  );
}

function historyItem(item: HistoryItem): HTMLLIElement {
  const failed = item.result === "failure";
  const flagged = item.action !== null;
  const channels = deliveredChannels(item);
  return el(
    "li",
    { class: `login${failed ? " failure" : ""}${flagged ? ` flagged action-${item.action}` : ""}` },
    el(
      "div",
      { class: "login-head" },
      el("span", { class: `badge ${failed ? "bad" : "good"}` }, failed ? t.resultFailure : t.resultSuccess),
      timeEl(item.occurredAt, formatTime(item.occurredAt, true)),
    ),
    el("p", { class: "where" }, countryText(item.country)),
    el(
      "dl",
      { class: "facts" },
      el("div", {}, el("dt", {}, t.ipLabel), el("dd", { class: "mono" }, item.ipMasked ?? "—")),
      el("div", {}, el("dt", {}, t.deviceLabel), el("dd", {}, item.device ?? t.unknownDevice)),
    ),
    item.action
      ? el(
          "div",
          { class: "did" },
          el("p", {}, el("span", { class: `badge action ${item.action}` }, word("action", item.action))),
          item.explanation ? el("p", { class: "explanation" }, item.explanation) : null,
          channels.length > 0
            ? el("p", { class: "muted" }, fill(t.sentBy, { channels: channels.join(", ") }))
            : null,
        )
      : null,
    askInline(item),
    state.answers.has(item.eventId) ? answerLine(state.answers.get(item.eventId)!) : null,
  );
}

function renderHistory(): void {
  const list = byId("history-list");
  replace(list, ...state.items.map(historyItem));
  byId("more").hidden = state.nextCursor === null;
}

async function loadHistory(more = false): Promise<void> {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), lang });
  if (more && state.nextCursor) params.set("cursor", state.nextCursor);
  const status = byId("history-status");
  const res = await api<Page<HistoryItem>>(`/v1/me/logins?${params}`);
  if (!res.ok) {
    say(status, problemMessage(res.status, res.problem), "error");
    return;
  }
  const added = res.data.items;
  if (more) {
    const list = byId("history-list");
    const first = list.childElementCount;
    state.items.push(...added);
    append(list, ...added.map(historyItem));
    (list.children[first] as HTMLElement | undefined)?.setAttribute("tabindex", "-1");
    (list.children[first] as HTMLElement | undefined)?.focus();
    status.textContent = fill(t.loadedMore, { n: added.length });
  } else {
    state.items = added;
    renderHistory();
    status.textContent = added.length === 0 ? t.historyEmpty : "";
  }
  state.nextCursor = res.data.nextCursor;
  byId("more").hidden = state.nextCursor === null;
  if (more && state.nextCursor === null) status.textContent = `${status.textContent} ${t.noMore}`;
}

// ---- settings ----

function endOfDay(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1, 23, 59, 59).toISOString();
}

function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

async function saveSettings(settings: {
  allowedCountries: string[];
  travel: { country: string; until: string } | null;
}) {
  const region = byId("settings-result");
  const res = await api<PlayerSecurity>("/v1/me/settings", { method: "PUT", body: settings });
  if (!res.ok) {
    say(region, problemMessage(res.status, res.problem), "error");
    return false;
  }
  state.security = res.data;
  renderSettings();
  renderStatus();
  say(region, t.saved, "ok");
  return true;
}

function currentTravel() {
  const travel = state.security?.travel;
  return travel ? { country: travel.country, until: travel.until } : null;
}

function renderSettings(): void {
  const sec = state.security;
  if (!sec) return;
  const list = byId("allowed-list");
  if (sec.allowedCountries.length === 0) {
    replace(list, el("li", { class: "muted plain" }, t.allowedEmpty));
  } else {
    replace(
      list,
      ...sec.allowedCountries.map((code) => {
        const remove = el(
          "button",
          {
            class: "chip-remove",
            attrs: { type: "button", "aria-label": fill(t.removeCountry, { country: countryWord(code) }) },
          },
          "×",
        );
        remove.addEventListener("click", () => {
          void saveSettings({
            allowedCountries: sec.allowedCountries.filter((c) => c !== code),
            travel: currentTravel(),
          });
        });
        return el("li", { class: "chip" }, el("span", {}, countryText(code)), remove);
      }),
    );
  }
  const travel = sec.travel;
  byId("travel-state").textContent = travel
    ? fill(t.travelActive, { country: countryText(travel.country), date: formatDate(travel.until) })
    : t.travelNone;
  byId("travel-end").hidden = !travel;
  byId("known").textContent =
    sec.knownCountries.length > 0
      ? fill(t.knownCountries, { list: sec.knownCountries.map(countryText).join(", ") })
      : "";
}

function wireSettings(): void {
  const until = byId<HTMLInputElement>("travel-until");
  const today = new Date();
  until.min = isoDay(today);
  until.max = isoDay(new Date(today.getTime() + 90 * 86_400_000));

  byId<HTMLFormElement>("allowed-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const select = byId<HTMLSelectElement>("allowed-add");
    const code = select.value;
    const sec = state.security;
    if (!code || !sec) return;
    if (sec.allowedCountries.includes(code)) return;
    void saveSettings({ allowedCountries: [...sec.allowedCountries, code], travel: currentTravel() }).then(
      (ok) => {
        if (ok) select.value = "";
      },
    );
  });

  byId<HTMLFormElement>("travel-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const country = byId<HTMLSelectElement>("travel-country").value;
    const sec = state.security;
    if (!sec) return;
    if (!country || !until.value) {
      say(byId("settings-result"), t.travelNeedsBoth, "error");
      return;
    }
    void saveSettings({
      allowedCountries: sec.allowedCountries,
      travel: { country, until: endOfDay(until.value) },
    });
  });

  byId("travel-end").addEventListener("click", () => {
    const sec = state.security;
    if (sec) void saveSettings({ allowedCountries: sec.allowedCountries, travel: null });
  });
}

// ---- start ----

async function main(): Promise<void> {
  wireUnlock();
  wireSettings();
  byId("more").addEventListener("click", () => void loadHistory(true));
  // History first: the lock's explanation and the deep link's question come from its lines.
  await loadHistory();
  wireAnswer();
  await loadSecurity();
  // The answers came with the security state: show them on their lines.
  if (state.answers.size > 0) renderHistory();
}

void main();
