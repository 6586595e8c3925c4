import type { Emit } from "@loginguard/bus";
import { type EventType, type LoginGuardEvent, makeEvent } from "@loginguard/events";

/** The stage's consumer group and the name in every `ce_source` this service writes. */
export const STAGE_NAME = "account-security";
export const SOURCE = `loginguard/${STAGE_NAME}`;

/**
 * An event this service makes outside the stage (an HTTP change): the caller chooses the id
 * (derived, so a repeated request yields the same id, or new) and the correlation id.
 */
export function serviceEmit<T extends EventType>(
  topic: string,
  type: T,
  data: LoginGuardEvent<T>["data"],
  ids: { id: string; subject: string; correlationId: string; time: Date },
): Emit {
  return {
    topic,
    event: makeEvent({
      id: ids.id,
      type,
      source: SOURCE,
      subject: ids.subject,
      correlationId: ids.correlationId,
      data,
      time: ids.time.toISOString(),
    }),
  };
}
