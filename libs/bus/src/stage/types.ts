import type { CloudEvent, DecodeResult, WireRecord } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import type { RetryPolicy } from "./retry";

/** An event to publish to a topic. */
export interface Emit {
  topic: string;
  event: CloudEvent;
}

/** What a handler returns for one input: events to publish, or nothing (like HTTP 204). */
export type HandlerResult = Emit | Emit[] | undefined | void;

export interface StageContext {
  readonly stage: string;
  readonly logger: Logger;
  /** Aborted when the stage stops; pass it on to HTTP calls and sleeps. */
  readonly signal: AbortSignal;
}

interface StageBase<E extends CloudEvent> {
  /** The consumer group and the `ce_source` of what the stage emits. */
  name: string;
  input: string | readonly string[];
  /** Decodes and validates a record; a failure is dead-lettered. See `accept()` and `acceptAny`. */
  decode: (record: WireRecord) => DecodeResult<E>;
  /** Records in flight across partitions (backpressure); changeable with `setMaxInFlight`. Default 500. */
  maxInFlight?: number;
  retry?: Partial<RetryPolicy>;
  /** Recently processed ids remembered to skip redeliveries. Default 100,000; 0 turns it off. */
  dedupeCapacity?: number;
  /** Where a group with no committed offset starts. Default true. */
  fromBeginning?: boolean;
  logger?: Logger;
}

/** A stage handling one event at a time; events of one key arrive in order, keys run concurrently. */
export interface EventStageDefinition<E extends CloudEvent> extends StageBase<E> {
  handle(event: E, ctx: StageContext): Promise<HandlerResult> | HandlerResult;
  handleBatch?: never;
}

/**
 * A stage handling a chunk of events at once (one multi-row database write per chunk). Returns
 * one result per input, in input order.
 */
export interface BatchStageDefinition<E extends CloudEvent> extends StageBase<E> {
  handleBatch(events: E[], ctx: StageContext): Promise<HandlerResult[]>;
  handle?: never;
}

export type StageDefinition<E extends CloudEvent> = EventStageDefinition<E> | BatchStageDefinition<E>;

export interface RunningStage {
  readonly name: string;
  readonly maxInFlight: number;
  setMaxInFlight(limit: number): void;
  /** Stops fetching, finishes in-flight work, commits, leaves the group. */
  stop(): Promise<void>;
}
