import { deriveEmit, type Emit, type HandlerResult } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import {
  type AccountChanged,
  EVENT_TYPES,
  type LoginGuardEvent,
  type LoginRecorded,
  type SecurityDecided,
  TOPICS,
} from "@loginguard/events";
import { STAGE_NAME } from "../events";
import { type EffectiveRules, type RulesConfig, rulesForGame } from "../rules/config";
import { type Evaluation, evaluateLogin } from "../rules/evaluate";
import { ipOf } from "../rules/location";
import { type AccountRecord, sameState, toAccountState, toFacts } from "../state/account-record";
import type { AccountStore } from "../state/account-store";
import type { DecisionStore, StoredOutcome } from "../state/decision-store";
import type { IpFlag, IpFlagStore } from "../state/ip-flag-store";
import type { RecentLoginStore } from "../state/recent-logins";
import { countDecision } from "./decision-metrics";
import { type AccountOp, accountOpsOf, changeReasonOf, flagToRaise } from "./effects";

export type LoginRecordedEvent = LoginGuardEvent<typeof EVENT_TYPES.loginRecorded>;

/** What the stage handler needs. */
export interface DecideLoginsDeps {
  db: Database;
  accounts: AccountStore;
  decisions: DecisionStore;
  recentLogins: RecentLoginStore;
  ipFlags: IpFlagStore;
  rules: RulesConfig;
  clock: () => Date;
}

/** How a decider runs. */
export interface DeciderOptions {
  /**
   * Keep successful logins for "was this you?" answers (default true). The stage's fallback for a
   * login whose storage failed for good decides without it and says so in the evidence
   * (`login_not_kept`), so the login still gets its decision (issue 9 point 1).
   */
  keepLogins?: boolean;
}

/** What a decision could not rely on (EvidenceSchema.degraded). */
type Degraded = "history_not_recorded" | "free_text_dropped" | "login_not_kept";

/** One login's evaluation and what it changes, before anything is written. */
interface Plan {
  degraded: Degraded[];
  event: LoginRecordedEvent;
  rules: EffectiveRules;
  evaluation: Evaluation;
  ops: AccountOp[];
  flag: IpFlag | null;
}

/**
 * The batch handler of the `login.recorded` stage. Per chunk: one lookup of already decided
 * logins (a redelivery publishes its stored events again), one read of the accounts (or the
 * cache) and of the IP flags, the rules over each login in order (a login sees the changes of
 * the same account's earlier logins in the chunk), then one transaction: the successful logins,
 * the state changes on locked rows, the flags and the decisions with their events. Logins with
 * nothing to do produce no record.
 */
export function createLoginDecider(deps: DecideLoginsDeps, options: DeciderOptions = {}) {
  const keepLogins = options.keepLogins ?? true;
  return async function decideLogins(events: LoginRecordedEvent[]): Promise<HandlerResult[]> {
    const now = deps.clock();
    const stored = await deps.decisions.outputsOf(events.map((e) => e.data.eventId));
    const fresh = events.filter((e) => !stored.has(e.data.eventId));
    if (fresh.length === 0) return events.map((e) => stored.get(e.data.eventId));

    const working = await deps.accounts.getMany(fresh.map((e) => e.data.accountId));
    const flags = await deps.ipFlags.getMany(
      fresh.filter((e) => mayNeedFlag(e.data, deps.rules)).map((e) => ipOf(e.data)),
    );

    const plans = new Map<string, Plan>();
    for (const event of fresh) {
      const login = event.data;
      if (plans.has(login.eventId)) continue;
      const record = working.get(login.accountId)!;
      const rules = rulesForGame(deps.rules, login.gameId);
      const ip = ipOf(login);
      const existingFlag = flags.get(ip) ?? null;
      const evaluation = evaluateLogin({
        login,
        account: toFacts(record),
        ipFlag: existingFlag
          ? { failedAccounts: existingFlag.failedAccounts, until: existingFlag.until }
          : null,
        rules,
        now,
      });
      const ops = accountOpsOf(evaluation, login, now);
      working.set(login.accountId, applyOps(record, ops));
      const flag = flagToRaise(evaluation, existingFlag, rules, now);
      if (flag) flags.set(ip, flag);
      plans.set(login.eventId, {
        event,
        rules,
        evaluation,
        ops,
        flag,
        degraded: degradedOf(login, keepLogins),
      });
    }

    const outputs = new Map<string, Emit[]>();
    const committed: AccountRecord[] = [];
    await deps.db.sql.transaction(async (tx) => {
      if (keepLogins) {
        await deps.recentLogins.insert(
          tx,
          fresh.map((e) => e.data),
        );
      }
      const outcomes: StoredOutcome[] = [];
      for (const plan of plans.values()) {
        const login = plan.event.data;
        const emits: Emit[] = [];
        const decision = decisionOf(plan);
        if (decision) {
          emits.push(
            deriveEmit(STAGE_NAME, plan.event, TOPICS.securityDecided, EVENT_TYPES.securityDecided, decision),
          );
        }
        if (plan.ops.length > 0) {
          const mutation = await deps.accounts.mutate(tx, login.accountId, (r) => applyOps(r, plan.ops));
          committed.push(mutation.after);
          if (!sameState(mutation.before, mutation.after)) {
            emits.push(accountChangedEmit(plan, mutation.before, mutation.after, now));
          }
        }
        if (plan.flag) {
          await deps.ipFlags.upsert(tx, [plan.flag]);
          if (plan.flag.enforced) emits.push(ipFlaggedEmit(plan.event, plan.flag));
        }
        if (emits.length > 0) {
          outcomes.push({
            key: login.eventId,
            loginEventId: login.eventId,
            accountId: login.accountId,
            occurredAt: new Date(login.occurredAt),
            decidedAt: now,
            decision,
            outputs: emits,
          });
        }
        outputs.set(login.eventId, emits);
      }
      await deps.decisions.insert(tx, outcomes);
    });
    for (const record of committed) deps.accounts.remember(record);
    for (const plan of plans.values()) countDecision(plan.evaluation);
    return events.map((e) => stored.get(e.data.eventId) ?? outputs.get(e.data.eventId));
  };
}

function applyOps(record: AccountRecord, ops: readonly AccountOp[]): AccountRecord {
  return ops.reduce((r, op) => op(r), record);
}

/** What the decision of `login` cannot rely on: what the logger marked, and this decider's own. */
function degradedOf(login: LoginRecorded, keepLogins: boolean): Degraded[] {
  const degraded: Degraded[] = [];
  if (login.history.degraded === "not_recorded") degraded.push("history_not_recorded");
  if (login.history.degraded === "free_text_dropped") degraded.push("free_text_dropped");
  if (!keepLogins && login.result === "success") degraded.push("login_not_kept");
  return degraded;
}

/** Successes may meet a flag; failures may raise one. Other logins need no flag lookup. */
function mayNeedFlag(login: LoginRecorded, config: RulesConfig): boolean {
  if (login.location.ipClass !== "public") return false;
  if (login.result === "success") return true;
  return (
    login.history.ipFailedAccounts >= rulesForGame(config, login.gameId).rules.credential_stuffing.minAccounts
  );
}

/** The `security.decided` data of a plan; null when no rule fired. */
function decisionOf(plan: Plan): SecurityDecided | null {
  const { evaluation } = plan;
  if (evaluation.reasons.length === 0) return null;
  const login = plan.event.data;
  return {
    accountId: login.accountId,
    loginEventId: login.eventId,
    occurredAt: login.occurredAt,
    action: evaluation.action,
    actions: evaluation.actions,
    reasons: evaluation.reasons.map(({ actions: _actions, ...reason }) =>
      plan.degraded.length > 0
        ? { ...reason, evidence: { ...reason.evidence, degraded: plan.degraded } }
        : reason,
    ),
    channels: [...plan.rules.channels],
    country: login.location.country,
    ...(login.gameId !== undefined ? { gameId: login.gameId } : {}),
    ...(login.serverId !== undefined ? { serverId: login.serverId } : {}),
    ...(login.sessionId !== undefined ? { sessionId: login.sessionId } : {}),
  };
}

function accountChangedEmit(plan: Plan, before: AccountRecord, after: AccountRecord, now: Date): Emit {
  const data: AccountChanged = {
    accountId: after.accountId,
    change: !before.locked && after.locked ? "locked" : "country_blocked",
    at: now.toISOString(),
    by: { kind: "system", id: null },
    reason: changeReasonOf(plan.evaluation),
    loginEventId: plan.event.data.eventId,
    state: toAccountState(after),
    version: after.version,
  };
  return deriveEmit(STAGE_NAME, plan.event, TOPICS.accountChanged, EVENT_TYPES.accountChanged, data);
}

function ipFlaggedEmit(event: LoginRecordedEvent, flag: IpFlag): Emit {
  return deriveEmit(
    STAGE_NAME,
    event,
    TOPICS.ipFlagged,
    EVENT_TYPES.ipFlagged,
    {
      ip: flag.ip,
      failedAccounts: flag.failedAccounts,
      flaggedAt: flag.flaggedAt.toISOString(),
      until: flag.until.toISOString(),
    },
    { subject: flag.ip },
  );
}
