/**
 * The console overview's operations panels: the loss detector's stuck logins and how to reach
 * the dead-letter list (`loginguard dlq list`, the same list the CLI and admin API show).
 */
import { type Child, el, table } from "./dom";
import { formatNumber, t } from "./format";
import type { Overview } from "./types";

/** The "stuck" panel: each login past the deadline with the last stage that saw it. */
export function renderStuck(
  o: Overview,
  accountHref: (id: string) => string,
  when: (iso: string) => Child,
): Child[] {
  if (!o.stuck) return [];
  const rows = o.stuck.logins.map((l) => [
    el("code", {}, l.loginId),
    el("a", { attrs: { href: accountHref(l.accountId) } }, l.accountId),
    el("code", {}, l.lastStage),
    when(l.acceptedAt),
  ]);
  return [
    el("h3", {}, `${t.overviewStuck} (${formatNumber(o.stuck.total)})`),
    rows.length > 0
      ? table(t.overviewStuck, [t.col_login, t.col_account, t.col_lastStage, t.col_time], rows)
      : el("p", { class: "muted" }, t.overviewStuckNone),
    el("p", { class: "hint" }, `${t.overviewStuckHint} ${o.stuck.deadlineSeconds}`),
  ];
}

/** Under the dead-letter counts: the command that lists them, per topic. */
export function renderDeadLetterHow(o: Overview): Child[] {
  if (o.deadLetters.length === 0) return [];
  return [
    el(
      "p",
      { class: "hint" },
      `${t.overviewDeadLettersHow} `,
      ...o.deadLetters.map((d) => el("code", {}, `loginguard dlq list --topic ${d.topic} `)),
    ),
  ];
}
