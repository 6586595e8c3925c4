import { percentiles } from "../stats";
import type { ReadAccount, ReadDecision } from "./readback";
import {
  ATTACK_SCENARIOS,
  type AttackScenario,
  type LabelledPlan,
  OVERSEAS_SCENARIOS,
  PLAYER_KINDS,
  type PlayerKind,
} from "./types";

/** One attack class's row. */
export interface AttackRow {
  scenario: AttackScenario;
  n: number;
  stopped: number;
  /** Stopped and the lock (or block) visible in the status API within 5 s of the login's acceptance. */
  within5s: number;
  notifiedOnly: number;
  missed: number;
  /** Notified only, then stopped by the victim's "no, it wasn't me". */
  stoppedByAnswer: number;
  /** Milliseconds to the lock being visible, for the stopped attacks that were timed. */
  stopMs: number[];
}

/** One kind of legitimate player's row. */
export interface LegitRow {
  kind: PlayerKind | "all";
  players: number;
  notified: number;
  kicked: number;
  blocked: number;
  locked: number;
  /** Locked by a decision on a failed login (must be 0: failures alone never lock). */
  lockedByFailures: number;
  notices: number;
  /** "Yes, it was me" answers the players gave (in game) to their notices. */
  answeredYes: number;
}

export interface Scorecard {
  attacks: AttackRow[];
  overseas: AttackRow;
  legit: LegitRow[];
  weeks: number;
  excluded: { notAccepted: number; late: number; attacksExcluded: number };
}

/** What the delivery and the answers contribute. */
export interface ScoreInputs {
  plan: LabelledPlan;
  accounts: ReadonlyMap<string, ReadAccount>;
  /** EventIds not delivered or delivered late: never scored. */
  excludedIds: ReadonlySet<string>;
  stopTimes: ReadonlyMap<number, number | null>;
  /** Attack ids whose victim answered "no" and ended up locked. */
  stoppedByAnswer: ReadonlySet<number>;
  /** Legit login ids the player answered "yes" to. */
  answeredYes: ReadonlySet<string>;
}

const has = (d: ReadDecision, action: string) => d.actions.includes(action);

/**
 * The scorecard of a labelled run: per attack class, stopped (lock or block), in time, notified
 * only, missed; per kind of legitimate player, notified, kicked, blocked, locked. Pure: the same
 * decisions give the same card. Attacks any of whose logins were not delivered in time are left
 * out (counted in `excluded`), never scored as missed.
 */
export function computeScorecard(i: ScoreInputs): Scorecard {
  const decisionsByLogin = new Map<string, ReadDecision>();
  for (const account of i.accounts.values())
    for (const d of account.decisions) decisionsByLogin.set(d.loginEventId, d);
  const attackLoginIds = new Map<number, string[]>();
  for (const l of i.plan.logins) {
    if (l.attackId === undefined) continue;
    const list = attackLoginIds.get(l.attackId) ?? [];
    list.push(l.login.eventId);
    attackLoginIds.set(l.attackId, list);
  }
  const rows = new Map<AttackScenario, AttackRow>(ATTACK_SCENARIOS.map((s) => [s, emptyAttackRow(s)]));
  let attacksExcluded = 0;
  for (const a of i.plan.attacks) {
    if ((attackLoginIds.get(a.id) ?? []).some((id) => i.excludedIds.has(id))) {
      attacksExcluded++;
      continue;
    }
    const row = rows.get(a.scenario)!;
    row.n++;
    const decisions = a.successIds.map((id) => decisionsByLogin.get(id)).filter((d) => d !== undefined);
    if (decisions.some((d) => has(d, "lock") || has(d, "block"))) {
      row.stopped++;
      const ms = i.stopTimes.get(a.id);
      if (ms !== undefined && ms !== null) {
        row.stopMs.push(ms);
        if (ms <= 5000) row.within5s++;
      }
    } else if (decisions.some((d) => has(d, "notify"))) {
      row.notifiedOnly++;
      if (i.stoppedByAnswer.has(a.id)) row.stoppedByAnswer++;
    } else row.missed++;
  }
  const attacks = [...rows.values()];
  const overseas = attacks
    .filter((r) => OVERSEAS_SCENARIOS.has(r.scenario))
    .reduce((sum, r) => addAttackRows(sum, r), emptyAttackRow("overseas_takeover"));

  const legitRows = new Map<PlayerKind, LegitRow>(PLAYER_KINDS.map((k) => [k, emptyLegitRow(k)]));
  const byAccount = new Map<string, string[]>();
  for (const l of i.plan.logins) {
    if (l.label !== "legit" || i.excludedIds.has(l.login.eventId)) continue;
    const list = byAccount.get(l.login.accountId) ?? [];
    list.push(l.login.eventId);
    byAccount.set(l.login.accountId, list);
  }
  const failed = new Set(
    i.plan.logins.filter((l) => l.login.result === "failure").map((l) => l.login.eventId),
  );
  for (const p of i.plan.players) {
    const row = legitRows.get(p.kind)!;
    row.players++;
    const ids = byAccount.get(p.accountId) ?? [];
    const decisions = ids.map((id) => decisionsByLogin.get(id)).filter((d) => d !== undefined);
    const notices = decisions.filter((d) => has(d, "notify")).length;
    row.notices += notices;
    if (notices > 0) row.notified++;
    if (decisions.some((d) => has(d, "kick"))) row.kicked++;
    if (decisions.some((d) => has(d, "block"))) row.blocked++;
    const locks = decisions.filter((d) => has(d, "lock"));
    if (locks.length > 0) row.locked++;
    if (locks.some((d) => failed.has(d.loginEventId))) row.lockedByFailures++;
    row.answeredYes += ids.filter((id) => i.answeredYes.has(id)).length;
  }
  const legit = [...legitRows.values()];
  legit.push(legit.reduce((sum, r) => addLegitRows(sum, r), emptyLegitRow("all")));
  const excludedLogins = [...i.excludedIds].length;
  return {
    attacks,
    overseas,
    legit,
    weeks: i.plan.weeks,
    excluded: { notAccepted: excludedLogins, late: 0, attacksExcluded },
  };
}

function emptyAttackRow(scenario: AttackScenario): AttackRow {
  return {
    scenario,
    n: 0,
    stopped: 0,
    within5s: 0,
    notifiedOnly: 0,
    missed: 0,
    stoppedByAnswer: 0,
    stopMs: [],
  };
}

function addAttackRows(a: AttackRow, b: AttackRow): AttackRow {
  return {
    scenario: a.scenario,
    n: a.n + b.n,
    stopped: a.stopped + b.stopped,
    within5s: a.within5s + b.within5s,
    notifiedOnly: a.notifiedOnly + b.notifiedOnly,
    missed: a.missed + b.missed,
    stoppedByAnswer: a.stoppedByAnswer + b.stoppedByAnswer,
    stopMs: [...a.stopMs, ...b.stopMs],
  };
}

function emptyLegitRow(kind: LegitRow["kind"]): LegitRow {
  return {
    kind,
    players: 0,
    notified: 0,
    kicked: 0,
    blocked: 0,
    locked: 0,
    lockedByFailures: 0,
    notices: 0,
    answeredYes: 0,
  };
}

function addLegitRows(a: LegitRow, b: LegitRow): LegitRow {
  return {
    kind: a.kind,
    players: a.players + b.players,
    notified: a.notified + b.notified,
    kicked: a.kicked + b.kicked,
    blocked: a.blocked + b.blocked,
    locked: a.locked + b.locked,
    lockedByFailures: a.lockedByFailures + b.lockedByFailures,
    notices: a.notices + b.notices,
    answeredYes: a.answeredYes + b.answeredYes,
  };
}

const pct = (n: number, of: number) => (of === 0 ? "n/a" : `${((100 * n) / of).toFixed(2)}%`);
const cell = (n: number, of: number) => `${n} (${pct(n, of)})`;
const pad = (cells: Array<string | number>, widths: number[]) =>
  cells.map((c, k) => (k === 0 ? String(c).padEnd(widths[k]!) : String(c).padStart(widths[k]!))).join("  ");

/**
 * The card as text: the deterministic tables first (the same seed and code print the same
 * lines), then the timings (which vary run to run), then the machine-readable last line.
 */
export function formatScorecard(card: Scorecard): string[] {
  const aw = [18, 5, 16, 14, 14, 10];
  const lines = [
    "attacks (ground truth)",
    pad(["class", "n", "stopped", "notified only", "missed", "by answer"], aw),
  ];
  const attackLine = (r: AttackRow, name: string) =>
    pad(
      [name, r.n, cell(r.stopped, r.n), cell(r.notifiedOnly, r.n), cell(r.missed, r.n), r.stoppedByAnswer],
      aw,
    );
  for (const r of card.attacks) lines.push(attackLine(r, r.scenario));
  lines.push(attackLine(card.overseas, "overseas (target)"));
  lines.push("");
  const lw = [12, 6, 14, 8, 8, 12, 10, 12, 6];
  lines.push("legitimate players");
  lines.push(
    pad(["kind", "n", "notified", "kicked", "blocked", "locked", "by fails", "notices/wk", "yes"], lw),
  );
  for (const r of card.legit) {
    lines.push(
      pad(
        [
          r.kind,
          r.players,
          cell(r.notified, r.players),
          r.kicked,
          r.blocked,
          cell(r.locked, r.players),
          r.lockedByFailures,
          r.players === 0 ? "n/a" : (r.notices / r.players / card.weeks).toFixed(3),
          r.answeredYes,
        ],
        lw,
      ),
    );
  }
  lines.push("");
  lines.push("time to the lock visible in the status API (varies run to run)");
  const tw = [18, 8, 8, 8, 8, 10];
  lines.push(pad(["class", "timed", "p50 ms", "p99 ms", "max ms", "<= 5 s"], tw));
  for (const r of [...card.attacks, { ...card.overseas, scenario: "overseas (target)" as AttackScenario }]) {
    if (r.stopped === 0) continue;
    const p = percentiles(r.stopMs);
    const ms = (v: number) => (Number.isNaN(v) ? "-" : String(Math.round(v)));
    lines.push(
      pad([r.scenario, r.stopMs.length, ms(p.p50), ms(p.p99), ms(p.max), cell(r.within5s, r.stopped)], tw),
    );
  }
  lines.push("");
  lines.push(scoreLine(card));
  return lines;
}

/** `score: takeovers_stopped=<pct> stopped_within_5s=<pct> legit_locked=<pct> legit_notified=<pct>`. */
export function scoreLine(card: Scorecard): string {
  const all = card.legit.find((r) => r.kind === "all")!;
  const o = card.overseas;
  const p = (n: number, of: number) => (of === 0 ? "n/a" : `${((100 * n) / of).toFixed(2)}%`);
  return `score: takeovers_stopped=${p(o.stopped, o.n)} stopped_within_5s=${p(o.within5s, o.stopped)} legit_locked=${p(all.locked, all.players)} legit_notified=${p(all.notified, all.players)}`;
}
