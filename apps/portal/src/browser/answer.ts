/**
 * The `/answer#t=<token>` page: "was this you?" from a link, without a session. Reads the link
 * token from the fragment (and takes it out of the address bar), asks account-security for the
 * sign-in, then answers with one click: a POST carrying the CSRF token the view handed out.
 */
import { ANSWER_STRINGS } from "../pages/answer-strings";
import { api, problemCode } from "./api";
import { byId, el, replace } from "./dom";
import { countryText, countryWord, fill, formatTime, lang } from "./format";

const s = ANSWER_STRINGS[lang];

interface View {
  accountId: string;
  login: { eventId: string; occurredAt: string; country: string | null };
  answered: { answer: "yes" | "no"; answeredAt: string } | null;
  csrfToken: string;
}

interface Answered {
  answer: "yes" | "no";
  country: string | null;
  locked: boolean;
}

const result = byId("question-result");
const actions = byId("question-actions");
const yes = byId<HTMLButtonElement>("answer-yes");
const no = byId<HTMLButtonElement>("answer-no");

function show(kind: "ok" | "error" | "info", ...lines: string[]): void {
  result.className = `result ${kind === "info" ? "" : kind}`.trim();
  replace(result, ...lines.map((line, i) => el("p", i === 0 ? { class: "strong" } : {}, line)));
}

function tokenFromFragment(): string | null {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get("t");
  // The token stays in this page only: out of the address bar, the history and any bookmark.
  if (token) history.replaceState(null, "", `${window.location.pathname}${window.location.search}`);
  return token;
}

function answerWord(a: "yes" | "no"): string {
  return a === "yes" ? s.answerWordYes : s.answerWordNo;
}

function done(answered: Answered): void {
  actions.hidden = true;
  byId("yes-help").hidden = true;
  byId("no-help").hidden = true;
  byId("question-me").hidden = false;
  if (answered.answer === "yes")
    show("ok", fill(s.answerPageYesDone, { country: countryWord(answered.country) }));
  else show("ok", s.answerPageNoDone, s.answerPageNoNext);
}

function failed(status: number, code: string): void {
  actions.hidden = true;
  byId("question-me").hidden = false;
  if (status === 401 || status === 400) show("error", s.answerPageInvalid);
  else if (status === 404) show("error", s.answerPageGone);
  else if (status === 409 || code === "already-answered") show("error", s.answerPageConflict);
  else show("error", s.answerPageError);
}

async function main(): Promise<void> {
  const token = tokenFromFragment();
  if (!token) return failed(401, "");
  const view = await api<View>("/v1/answer-links/view", { method: "POST", body: { token } });
  if (!view.ok) return failed(view.status, problemCode(view.problem));
  const { login, answered, csrfToken } = view.data;
  byId("question-account").textContent = view.data.accountId;
  byId("question-when").textContent = formatTime(login.occurredAt, true);
  byId("question-where").textContent = countryText(login.country);
  byId("question-facts").hidden = false;
  if (answered) {
    byId("question-me").hidden = false;
    return show(
      "info",
      fill(s.answerPageAnswered, {
        answer: answerWord(answered.answer),
        time: formatTime(answered.answeredAt, true),
      }),
    );
  }
  replace(result);
  actions.hidden = false;
  byId("yes-help").hidden = false;
  byId("no-help").hidden = false;
  const send = async (answer: "yes" | "no") => {
    yes.disabled = true;
    no.disabled = true;
    const res = await fetch("/v1/answer-links/answer", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": csrfToken },
      body: JSON.stringify({ token, answer }),
      credentials: "omit",
      cache: "no-store",
    }).catch(() => null);
    if (!res) {
      yes.disabled = false;
      no.disabled = false;
      return show("error", s.answerPageError);
    }
    const body = (await res.json().catch(() => ({}))) as Answered & { type?: string };
    if (res.ok) return done(body);
    yes.disabled = false;
    no.disabled = false;
    return failed(res.status, body.type?.split("/").at(-1) ?? "");
  };
  yes.addEventListener("click", () => void send("yes"));
  no.addEventListener("click", () => void send("no"));
}

void main();
