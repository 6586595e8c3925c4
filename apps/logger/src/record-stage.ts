import { deriveEmit, type Emit, type LoginGuardStageDefinition } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import { EVENT_TYPES, type LoginGuardEvent, TOPICS } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import type { ContextWindows } from "./history-context";
import { loginRowOf } from "./login-row";
import { recordDegraded } from "./record-degraded";
import { type RecordedLogin, recordLogins } from "./record-logins";

/** The stage name: its consumer group and the `ce_source` of login.recorded (`loginguard/logger`). */
export const RECORD_STAGE = "logger";

type LoginLocatedEvent = LoginGuardEvent<typeof EVENT_TYPES.loginLocated>;

export interface RecordStageOptions {
  db: Database;
  windows: ContextWindows;
  maxInFlight?: number;
  logger?: Logger;
}

/**
 * `login.located` -> `login.recorded`: records each login in the history (one multi-row insert per
 * chunk) and passes it on with its history context. A login whose line the database refuses for
 * good is passed on degraded ({@link recordDegraded}), never dropped before its decision.
 */
export function recordStage(
  options: RecordStageOptions,
): LoginGuardStageDefinition<typeof EVENT_TYPES.loginLocated> {
  return {
    name: RECORD_STAGE,
    input: TOPICS.loginLocated,
    outputs: [TOPICS.loginRecorded],
    accepts: [EVENT_TYPES.loginLocated],
    maxInFlight: options.maxInFlight,
    logger: options.logger,
    async handleBatch(events) {
      const recorded = await recordLogins(options.db.sql, events.map(loginRowOf), options.windows);
      return events.map((event, i) => recordedEmit(event, recorded[i]!));
    },
    // A login the history refuses still goes on to its decision, marked (docs/RELIABILITY.md).
    degrade: (event) => recordDegraded(options.db, options.windows, event, options.logger),
  };
}

/**
 * The login.recorded event of a recorded login. Its id is derived from the input's, its context and
 * time are the stored ones: a redelivered login yields the very same event.
 */
export function recordedEmit(event: LoginLocatedEvent, recorded: RecordedLogin): Emit {
  const emit = deriveEmit(RECORD_STAGE, event, TOPICS.loginRecorded, EVENT_TYPES.loginRecorded, {
    ...event.data,
    history: recorded.history,
  });
  return { ...emit, event: { ...emit.event, time: recorded.recordedAt.toISOString() } };
}
