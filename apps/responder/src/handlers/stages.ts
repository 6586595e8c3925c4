import { deriveEmit, type RetryPolicy, type StageContext } from "@loginguard/bus";
import { EVENT_TYPES, type LoginGuardEvent, TOPICS } from "@loginguard/events";
import { announceAccountChange } from "./account-changed";
import { carryOutDecision } from "./decision";
import type { ResponderDeps } from "./deps";
import { sendRequested } from "./requested";

/** Consumer group names, one per input topic so a slow provider on one does not hold up the others. */
export const STAGE_NAMES = {
  decisions: "responder",
  notifications: "responder-notifications",
  accountChanges: "responder-account-changes",
} as const;

export interface StageSettings {
  maxInFlight: number;
  retry?: Partial<RetryPolicy>;
}

/** `security.decided` → side effects → `action.completed` (nothing for shadow decisions). */
export function decisionStage(deps: ResponderDeps, settings: StageSettings) {
  return {
    name: STAGE_NAMES.decisions,
    input: TOPICS.securityDecided,
    outputs: [TOPICS.actionCompleted],
    accepts: [EVENT_TYPES.securityDecided],
    maxInFlight: settings.maxInFlight,
    retry: settings.retry,
    logger: deps.logger.child({ stage: STAGE_NAMES.decisions }),
    async handle(event: LoginGuardEvent<"loginguard.security.decided.v1">, ctx: StageContext) {
      const results = await carryOutDecision(deps, event, ctx.signal);
      if (!results) return undefined;
      return deriveEmit(STAGE_NAMES.decisions, event, TOPICS.actionCompleted, EVENT_TYPES.actionCompleted, {
        accountId: event.data.accountId,
        decisionId: event.id,
        loginEventId: event.data.loginEventId,
        results,
      });
    },
  } as const;
}

/** `notification.requested` → a message to the player; publishes nothing. */
export function notificationStage(deps: ResponderDeps, settings: StageSettings) {
  return {
    name: STAGE_NAMES.notifications,
    input: TOPICS.notificationRequested,
    accepts: [EVENT_TYPES.notificationRequested],
    maxInFlight: settings.maxInFlight,
    retry: settings.retry,
    logger: deps.logger.child({ stage: STAGE_NAMES.notifications }),
    async handle(event: LoginGuardEvent<"loginguard.notification.requested.v1">, ctx: StageContext) {
      await sendRequested(deps, event, ctx.signal);
      return undefined;
    },
  } as const;
}

/** `account.changed` (unlocked) → `account.unlocked` webhook; publishes nothing. */
export function accountChangeStage(deps: ResponderDeps, settings: StageSettings) {
  return {
    name: STAGE_NAMES.accountChanges,
    input: TOPICS.accountChanged,
    accepts: [EVENT_TYPES.accountChanged],
    maxInFlight: settings.maxInFlight,
    retry: settings.retry,
    logger: deps.logger.child({ stage: STAGE_NAMES.accountChanges }),
    async handle(event: LoginGuardEvent<"loginguard.account.changed.v1">, ctx: StageContext) {
      await announceAccountChange(deps, event, ctx.signal);
      return undefined;
    },
  } as const;
}
