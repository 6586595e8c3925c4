import { permanentError } from "@loginguard/errors";
import { EVENT_SCHEMAS, isKnownEventType } from "@loginguard/events";
import type { Emit } from "./types";

/**
 * Checks a handler's own output against the schema of its event type (docs/ARCHITECTURE.md
 * section 3: schemas validated at every boundary). A failure is a programming error of the stage,
 * not of the input: it is thrown as non-retryable (`invalid_output`) so the runtime dead-letters
 * the input with the reason instead of publishing what every consumer would refuse. Types outside
 * loginguard's own (the relay's) are passed as they are.
 */
export function checkOutputs(emits: readonly Emit[]): void {
  for (const emit of emits) {
    const { type, data, id } = emit.event;
    if (!isKnownEventType(type)) continue;
    const parsed = EVENT_SCHEMAS[type].safeParse(data);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ");
      throw permanentError(`the handler's output ${type} fails its schema: ${issues}`, "invalid_output", {
        ceId: id,
        type,
        topic: emit.topic,
      });
    }
  }
}

/** The error of a batch handler that broke its contract (one result per input). */
export function resultCountError(stage: string, got: number, expected: number) {
  return permanentError(
    `stage ${stage}: handleBatch returned ${got} results for ${expected} events`,
    "handler_result_count",
    { stage, got, expected },
  );
}
