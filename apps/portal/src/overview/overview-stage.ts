import type { Database } from "@loginguard/db";
import { EVENT_TYPES, type LoginGuardEvent, TOPICS } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import type { DecisionFact, LockFact, OverviewStore } from "./overview-store";

/** The consumer group of the portal's overview. */
export const OVERVIEW_STAGE = "portal-overview";

type OverviewEvent = LoginGuardEvent<typeof EVENT_TYPES.securityDecided | typeof EVENT_TYPES.accountChanged>;

/** A decision event as the overview counts it. */
export function decisionFact(event: LoginGuardEvent<typeof EVENT_TYPES.securityDecided>): DecisionFact {
  return {
    eventId: event.id,
    accountId: event.data.accountId,
    decidedAt: new Date(event.time),
    action: event.data.action,
    rules: event.data.reasons.map((r) => ({ code: r.code, mode: r.mode })),
  };
}

/** An account change as the overview's lock list needs it. */
export function lockFact(event: LoginGuardEvent<typeof EVENT_TYPES.accountChanged>): LockFact {
  const { state } = event.data;
  return {
    accountId: event.data.accountId,
    locked: state.locked,
    lockedAt: state.lockedAt ? new Date(state.lockedAt) : null,
    reason: state.reason,
    changedAt: new Date(event.data.at),
    version: event.data.version ?? 0,
  };
}

/**
 * The portal's consumer (docs/ARCHITECTURE.md section 2: a new consumer joins by subscribing): reads
 * `security.decided` and `account.changed` and keeps what the console's overview shows. One
 * transaction per batch; lock changes are applied in the order of each account's events.
 */
export function overviewStage(options: {
  db: Database;
  store: OverviewStore;
  maxInFlight: number;
  logger?: Logger;
}) {
  return {
    name: OVERVIEW_STAGE,
    input: [TOPICS.securityDecided, TOPICS.accountChanged],
    accepts: [EVENT_TYPES.securityDecided, EVENT_TYPES.accountChanged],
    maxInFlight: options.maxInFlight,
    logger: options.logger,
    handleBatch: async (events: OverviewEvent[]) => {
      await options.db.sql.transaction(async (tx) => {
        const decided: DecisionFact[] = [];
        for (const event of events) {
          if (event.type === EVENT_TYPES.securityDecided) decided.push(decisionFact(event));
          else await options.store.applyLock(tx, lockFact(event));
        }
        await options.store.recordDecisions(tx, decided);
      });
      return events.map(() => undefined);
    },
  } as const;
}
