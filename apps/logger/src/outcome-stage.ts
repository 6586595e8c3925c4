import type { LoginGuardStageDefinition } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import { EVENT_TYPES, TOPICS } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import { recordOutcomes } from "./record-outcomes";

/** The consumer group that records decisions and their delivery on the history lines. */
export const OUTCOME_STAGE = "logger-outcomes";

type OutcomeType = typeof EVENT_TYPES.securityDecided | typeof EVENT_TYPES.actionCompleted;

export interface OutcomeStageOptions {
  db: Database;
  maxInFlight?: number;
  logger?: Logger;
}

/**
 * `security.decided` + `action.completed` -> nothing published: what was decided (action, reasons,
 * evidence, mode) and delivered (per channel) for each login, shown on its history line. A stage
 * of its own, so recording outcomes never delays login.recorded.
 */
export function outcomeStage(options: OutcomeStageOptions): LoginGuardStageDefinition<OutcomeType> {
  return {
    name: OUTCOME_STAGE,
    input: [TOPICS.securityDecided, TOPICS.actionCompleted],
    accepts: [EVENT_TYPES.securityDecided, EVENT_TYPES.actionCompleted],
    maxInFlight: options.maxInFlight,
    logger: options.logger,
    async handleBatch(events) {
      await recordOutcomes(options.db.sql, events);
      return events.map(() => undefined);
    },
  };
}
