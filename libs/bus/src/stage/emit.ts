import {
  type CloudEvent,
  type DecodeResult,
  decodeEnvelope,
  decodeEvent,
  deriveEventId,
  type EventType,
  type LoginGuardEvent,
  type WireRecord,
} from "@loginguard/events";
import type { Emit } from "./types";

/** A decoder for `StageDefinition.decode` that accepts exactly these loginguard event types. */
export function accept<T extends EventType>(
  ...types: T[]
): (record: WireRecord) => DecodeResult<LoginGuardEvent<T>> {
  return (record) => decodeEvent(record, types);
}

/** A decoder that takes any CloudEvent without checking its data (the relay). */
export const acceptAny: (record: WireRecord) => DecodeResult<CloudEvent> = decodeEnvelope;

/**
 * The output of `stage` for `input`: its id derived from the input's id (a redelivery yields the
 * same id), the input's correlation id and subject kept.
 */
export function deriveEmit<T extends EventType>(
  stage: string,
  input: CloudEvent,
  topic: string,
  type: T,
  data: LoginGuardEvent<T>["data"],
  options: { part?: string; subject?: string } = {},
): Emit {
  return {
    topic,
    event: {
      id: deriveEventId(stage, input.id, options.part ?? type),
      type,
      source: `loginguard/${stage}`,
      time: new Date().toISOString(),
      subject: options.subject ?? input.subject,
      correlationId: input.correlationId,
      data,
    },
  };
}
