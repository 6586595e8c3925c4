import type { StaffRole } from "@loginguard/auth";
import {
  ACTIONS,
  type HistoryContext,
  type Reason,
  type RuleCode,
  type SecurityAction,
} from "@loginguard/events";
import { countryName, explainDecision, type Lang } from "@loginguard/i18n";
import { summarizeDevice } from "./device";
import type { HistoryLine } from "./history-query";

/** Who reads a history: the player (their own), or staff (support, or admin who also sees full IPs). */
export type Viewer = { kind: "player" } | { kind: "staff"; role: StaffRole };

/** What was sent or done on one channel for a login. */
export interface NotificationItem {
  channel: "email" | "sms" | "in_game" | "webhook";
  /** `notification`, `player.kick`, `country.blocked`, ... */
  kind: string;
  outcome: "delivered" | "failed" | "skipped";
  at: string;
}

/** One line of a history as players see it (docs/ARCHITECTURE.md section 6). */
export interface HistoryItem {
  eventId: string;
  occurredAt: string;
  result: "success" | "failure";
  failureReason: string | null;
  /** ISO alpha-2, or null when unknown or private. */
  country: string | null;
  /** The country in the reader's language, or null. */
  countryName: string | null;
  ipMasked: string | null;
  /** "Chrome on Windows", a game client's name, or the device id. */
  device: string | null;
  deviceId: string | null;
  userAgent: string | null;
  /** The strongest action enforced for this login, or null (shadow-mode decisions do not count). */
  action: SecurityAction | null;
  /** Codes of the enforced rules that fired. */
  reasons: RuleCode[];
  /** `action` and `reasons` in words, in the reader's language; null when nothing was done. */
  explanation: string | null;
  notifications: NotificationItem[];
}

/** A decision as staff see it: every reason with its mode and evidence. */
export interface StaffDecisionItem {
  decisionId: string;
  action: SecurityAction | null;
  actions: SecurityAction[];
  reasons: Reason[];
  channels: string[];
  decidedAt: string;
  /** Also explains shadow-mode reasons (what would have been done). */
  explanation: string;
}

export interface StaffNotificationItem extends NotificationItem {
  decisionId: string;
  providerId: string | null;
  detail: string | null;
}

/**
 * A history line as staff see it. Never the full IP: `ipRevealable` says whether one is still kept,
 * shown only through the audited reveal (`POST .../logins/{eventId}/ip` with a reason).
 */
export interface StaffHistoryItem extends Omit<HistoryItem, "notifications"> {
  ipRevealable: boolean;
  ipClass: string;
  gameId: string | null;
  serverId: string | null;
  correlationId: string;
  receivedAt: string;
  recordedAt: string;
  /** The history context the decision was made with. */
  context: HistoryContext;
  decisions: StaffDecisionItem[];
  notifications: StaffNotificationItem[];
}

const strength = (action: SecurityAction) => ACTIONS.indexOf(action);

/** The strongest of some actions (notify < kick < block < lock), or null. */
export function strongestAction(actions: Array<SecurityAction | null>): SecurityAction | null {
  let best: SecurityAction | null = null;
  for (const a of actions) if (a && (!best || strength(a) > strength(best))) best = a;
  return best;
}

/** The line as a player sees it. */
export function playerItem(line: HistoryLine, lang: Lang): HistoryItem {
  const { login } = line;
  const action = strongestAction(line.decisions.map((d) => d.action));
  const enforced = uniqueByCode(line.decisions.flatMap((d) => d.reasons.filter((r) => r.mode === "enforce")));
  return {
    eventId: login.eventId,
    occurredAt: login.occurredAt.toISOString(),
    result: login.result,
    failureReason: login.failureReason,
    country: login.country,
    countryName: login.country ? countryName(login.country, lang) : null,
    ipMasked: login.ipMasked,
    device: summarizeDevice(login.userAgent, login.deviceId),
    deviceId: login.deviceId,
    userAgent: login.userAgent,
    action,
    reasons: enforced.map((r) => r.code),
    explanation: enforced.length > 0 ? explainDecision(action, enforced, lang) : null,
    notifications: line.results.flatMap((r) =>
      r.results.map((x) => ({
        channel: x.channel,
        kind: x.kind,
        outcome: x.outcome,
        at: r.completedAt.toISOString(),
      })),
    ),
  };
}

/** The line as staff see it: the player's view plus decisions in full, delivery details and context. */
export function staffItem(line: HistoryLine, lang: Lang): StaffHistoryItem {
  const { login } = line;
  const base = playerItem(line, lang);
  return {
    ...base,
    ipRevealable: login.ip !== null,
    ipClass: login.ipClass,
    gameId: login.gameId,
    serverId: login.serverId,
    correlationId: login.correlationId,
    receivedAt: login.receivedAt.toISOString(),
    recordedAt: login.recordedAt.toISOString(),
    context: login.history,
    decisions: line.decisions.map((d) => ({
      decisionId: d.decisionId,
      action: d.action,
      actions: d.actions,
      reasons: d.reasons,
      channels: d.channels,
      decidedAt: d.decidedAt.toISOString(),
      explanation: explainDecision(d.action, d.reasons, lang),
    })),
    notifications: line.results.flatMap((r) =>
      r.results.map((x) => ({
        channel: x.channel,
        kind: x.kind,
        outcome: x.outcome,
        at: r.completedAt.toISOString(),
        decisionId: r.decisionId,
        providerId: x.providerId,
        detail: x.detail,
      })),
    ),
  };
}

function uniqueByCode(reasons: Reason[]): Reason[] {
  const seen = new Set<RuleCode>();
  return reasons.filter((r) => !seen.has(r.code) && seen.add(r.code));
}
