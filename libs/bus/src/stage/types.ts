import type { CloudEvent, DecodeResult, EventType, LoginGuardEvent, WireRecord } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import type { RetryPolicy } from "./retry";

/** An event to publish to a topic. */
export interface Emit {
  topic: string;
  event: CloudEvent;
}

/** What a handler returns for one input: events to publish, or nothing (like HTTP 204). */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing has type void
export type HandlerResult = Emit | Emit[] | undefined | void;

export interface StageContext {
  readonly stage: string;
  readonly logger: Logger;
  /** Aborted when the stage stops; pass it on to HTTP calls and sleeps. */
  readonly signal: AbortSignal;
}

/**
 * A stage: give exactly one of `handle` (one event at a time; events of one key in order, keys
 * concurrently) or `handleBatch` (a chunk at once, for one multi-row database write per chunk;
 * returns one result per input, in input order).
 */
/** Decodes and validates one record. */
export type Decoder<E extends CloudEvent = CloudEvent> = (record: WireRecord) => DecodeResult<E>;
/** The event type a decoder yields. */
export type DecodedBy<D> = D extends Decoder<infer E> ? E : never;

export interface StageOptions<E extends CloudEvent> {
  /** The consumer group and the `ce_source` of what the stage emits. */
  name: string;
  input: string | readonly string[];
  /** Topics the stage publishes to, so their `records_out` series exist at zero from the start. */
  outputs?: readonly string[];
  handle?: (event: NoInfer<E>, ctx: StageContext) => Promise<HandlerResult> | HandlerResult;
  handleBatch?: (events: NoInfer<E>[], ctx: StageContext) => Promise<HandlerResult[]>;
  /**
   * Called for an event the handler gave up on (a non-retryable error, or out of attempts)
   * instead of dead-lettering it; what it returns is published in the handler's place. Stages
   * on the security path pass a login on degraded, so it still reaches its decision (issue 9
   * point 1). When it fails too, the event is dead-lettered as `stuck`.
   */
  degrade?: (event: NoInfer<E>, error: unknown, ctx: StageContext) => Promise<HandlerResult> | HandlerResult;
  /** Records in flight across partitions (backpressure); changeable with `setMaxInFlight`. Default 500. */
  maxInFlight?: number;
  retry?: Partial<RetryPolicy>;
  /** Recently processed ids remembered to skip redeliveries. Default 100,000; 0 turns it off. */
  dedupeCapacity?: number;
  /** Where a group with no committed offset starts. Default true. */
  fromBeginning?: boolean;
  logger?: Logger;
}

/**
 * Write `accepts: [EVENT_TYPES.loginLocated, ...]` for loginguard events: the handler's event type
 * is inferred from it. (A generic `decode: accept(...)` call inside the same object literal defeats
 * TypeScript's inference and types the event's data as unknown.) Records of other types or
 * versions, and data failing the schema, are dead-lettered.
 */
export type LoginGuardStageDefinition<T extends EventType> = StageOptions<LoginGuardEvent<T>> & {
  accepts: readonly T[];
  decode?: never;
};

/** A stage with its own decoder, e.g. `decode: acceptAny` (the relay passes events of any type). */
export type CustomStageDefinition<E extends CloudEvent> = StageOptions<E> & {
  decode: Decoder<E>;
  accepts?: never;
};

export type StageDefinition<E extends CloudEvent> = StageOptions<E> & { decode: Decoder<E> };

export interface RunningStage {
  readonly name: string;
  readonly maxInFlight: number;
  setMaxInFlight(limit: number): void;
  /** Records in flight now. */
  readonly inFlight: number;
  /** True while an operator holds the stage paused. */
  readonly paused: boolean;
  /** Stops taking new records (the ones in flight finish); the group keeps its partitions. */
  pause(): void;
  resume(): void;
  /** Stops fetching, finishes in-flight work, commits, leaves the group. */
  stop(): Promise<void>;
}
