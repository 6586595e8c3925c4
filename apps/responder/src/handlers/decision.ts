import { signAnswerToken } from "@loginguard/auth";
import type { Channel, LoginGuardEvent, SecurityDecided } from "@loginguard/events";
import { type Webhook, type WebhookType, webhookId } from "../channels/webhook";
import { renderDecision } from "../templates";
import type { DeliveryResult } from "../types";
import { DeliveryLog, sentOrRejected, skipped } from "./delivery-log";
import type { ResponderDeps } from "./deps";
import { DEFAULT_CHANNELS, notifyWithFallback } from "./notify";
import { assertSomethingDone, runAll } from "./outcome";

type DecisionEvent = LoginGuardEvent<"loginguard.security.decided.v1">;

const HOUR_MS = 3_600_000;

/** The kind under which a decision's notification is recorded and reported. */
export const NOTIFICATION_KIND = "notification";

/** The game-server webhooks a decision calls for, strongest first. */
export function plannedWebhooks(decision: SecurityDecided): WebhookType[] {
  const planned: WebhookType[] = [];
  if (decision.actions.includes("lock")) planned.push("account.locked");
  if (decision.actions.includes("kick")) planned.push("player.kick");
  if (decision.actions.includes("block")) planned.push("country.blocked");
  return planned;
}

/** The rules a notification is about: the enforced ones (shadow rules did nothing). */
export function enforcedRuleCodes(decision: SecurityDecided): string[] {
  return [...new Set(decision.reasons.filter((r) => r.mode === "enforce").map((r) => r.code))];
}

/** The hour bucket of an ISO time: hours since the epoch. */
export function hourBucket(iso: string): number {
  return Math.floor(new Date(iso).getTime() / HOUR_MS);
}

/**
 * Carries out a decision: the webhooks its actions call for (lock, kick, block), then the
 * notification (if `notify` is among its actions) on the first working channel, deduplicated to
 * one per account, rule and hour. Answers every result, to be published as `action.completed`;
 * undefined for a shadow decision (`action: null`): nothing was decided, nothing is done or
 * published. Throws retryable errors (provider down) after trying everything else, and a
 * permanent one when nothing could be done (see `assertSomethingDone`).
 */
export async function carryOutDecision(
  deps: ResponderDeps,
  event: DecisionEvent,
  signal?: AbortSignal,
): Promise<DeliveryResult[] | undefined> {
  const decision = event.data;
  if (decision.action === null) return undefined;
  const webhookTypes = plannedWebhooks(decision);
  const notify = decision.actions.includes("notify");
  const channels = decision.channels.length > 0 ? decision.channels : DEFAULT_CHANNELS;

  // Age of the decision, not of the login: a player may deny a days-old login, and that lock and
  // kick are due now. Old decisions are replays (a new consumer group, an outage of days).
  const decidedAt = new Date(event.time).getTime();
  const ageMs = (deps.now?.() ?? Date.now()) - decidedAt;
  if (decidedAt > 0 && ageMs > deps.actionMaxAgeMs) {
    const detail = `not carried out: decided ${Math.round(ageMs / HOUR_MS)} hours ago (ACTION_MAX_AGE_HOURS)`;
    return [
      ...webhookTypes.map((kind) => ({ channel: "webhook" as const, kind, ...skipped(detail) })),
      ...(notify ? [{ channel: channels[0] ?? "email", kind: NOTIFICATION_KIND, ...skipped(detail) }] : []),
    ];
  }

  const log = await DeliveryLog.open(deps.store.deliveries, event.id, decision.accountId);
  const tasks: Array<() => Promise<DeliveryResult[]>> = webhookTypes.map((type) => async () => [
    await log.once("webhook", type, () => sendWebhook(deps, event, type, signal)),
  ]);
  if (notify) tasks.push(() => notifyDecision(deps, event, log, channels, signal));
  const results = await runAll(tasks);
  assertSomethingDone(results, `decision ${event.id}`);
  return results;
}

async function notifyDecision(
  deps: ResponderDeps,
  event: DecisionEvent,
  log: DeliveryLog,
  channels: readonly Channel[],
  signal: AbortSignal | undefined,
): Promise<DeliveryResult[]> {
  const decision = event.data;
  const recorded = log.deliveredOf(NOTIFICATION_KIND);
  if (recorded) return recorded;
  const rules = enforcedRuleCodes(decision);
  const held = await deps.store.slots.claim(
    decision.accountId,
    rules,
    hourBucket(decision.occurredAt),
    event.id,
  );
  if (held.length === 0) {
    return [
      await log.once(channels[0] ?? "email", NOTIFICATION_KIND, async () =>
        skipped(`deduplicated: the player was already told about ${rules.join(", ")} this hour`),
      ),
    ];
  }
  const contact = await deps.store.contacts.get(decision.accountId);
  const links = deps.answerLinks;
  const message = renderDecision(decision, {
    lang: contact?.language ?? "en",
    brand: deps.brand,
    publicUrl: deps.publicUrl,
    ...(links
      ? {
          answerToken: signAnswerToken(
            {
              accountId: decision.accountId,
              loginEventId: decision.loginEventId,
              expiresAt: (deps.now?.() ?? Date.now()) + links.ttlMs,
            },
            links.secret,
          ),
        }
      : {}),
  });
  return notifyWithFallback(deps, {
    log,
    kind: NOTIFICATION_KIND,
    channels,
    contact,
    message,
    occurredAt: event.time,
    signal,
    inGame: {
      sessionId: decision.sessionId ?? null,
      gameId: decision.gameId ?? null,
      decisionId: event.id,
      loginEventId: decision.loginEventId,
    },
  });
}

async function sendWebhook(
  deps: ResponderDeps,
  event: DecisionEvent,
  type: WebhookType,
  signal: AbortSignal | undefined,
) {
  const webhooks = deps.webhooks;
  if (!webhooks) return skipped("no game webhook configured");
  const d = event.data;
  // A lock ends every live session of the account, not only the login's (the game server kicks
  // them all on `scope: "account"`); a kick without a lock ends the login's session.
  const wholeAccount = d.actions.includes("lock");
  if (type === "player.kick" && !wholeAccount && !d.sessionId)
    return skipped("the login has no sessionId to kick");
  if (type === "country.blocked" && !d.country) return skipped("the login's country is unknown");
  const common = {
    accountId: d.accountId,
    decisionId: event.id,
    loginEventId: d.loginEventId,
    reasons: d.reasons.filter((r) => r.mode === "enforce").map((r) => r.code),
    gameId: d.gameId ?? null,
    serverId: d.serverId ?? null,
  };
  const data: Record<WebhookType, Record<string, unknown>> = {
    "account.locked": { ...common, lockedAt: event.time },
    "player.kick": {
      ...common,
      scope: wholeAccount ? "account" : "session",
      sessionId: d.sessionId ?? null,
    },
    "country.blocked": { ...common, country: d.country },
    "player.message": common,
    "account.unlocked": common,
  };
  const webhook: Webhook = { id: webhookId(event.id, type), type, occurredAt: event.time, data: data[type] };
  return sentOrRejected(() => webhooks.send(webhook, signal));
}
