import { describeError, LoginGuardError, permanentError, retryability } from "@loginguard/errors";
import { type CloudEvent, decodeEvent, dlqTopicOf, type EventType, encodeEvent } from "@loginguard/events";
import {
  createLogger,
  metrics,
  startSpan,
  traceIdOf,
  traceparentOf,
  zeroCounter,
} from "@loginguard/observability";
import type { BatchControl, Bus, BusRecord, OutgoingRecord, PartitionBatch } from "../bus";
import { deadLetterOf } from "./dead-letter";
import { RecentIds } from "./dedupe";
import { InFlightLimiter } from "./limiter";
import { checkOutputs, resultCountError } from "./outputs";
import { runningStages } from "./registry";
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy, sleep } from "./retry";
import type {
  CustomStageDefinition,
  Decoder,
  Emit,
  HandlerResult,
  LoginGuardStageDefinition,
  RunningStage,
  StageContext,
  StageDefinition,
} from "./types";

type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown; attempts: number };

/** Thrown when the stage stops mid-work: the chunk is not committed and comes again later. */
class StageStopping extends LoginGuardError {
  constructor() {
    super("stage is stopping", { code: "stage_stopping", retryable: true });
  }
}

/** Longest single wait between heartbeats while backing off, so group membership survives. */
const HEARTBEAT_SLICE_MS = 1000;

/**
 * Turns a handler into a running stage (docs/ARCHITECTURE.md section 5): subscribe in a consumer group named
 * after the stage, decode and validate, call the handler, publish its output (and dead letters),
 * then let the driver commit. Retryable failures are retried with backoff in place, so nothing
 * is skipped and no key is reordered; the rest goes to `<topic>.dlq` and the partition moves on.
 */
export function startStage<T extends EventType>(
  bus: Bus,
  def: LoginGuardStageDefinition<T>,
): Promise<RunningStage>;
export function startStage<E extends CloudEvent>(
  bus: Bus,
  def: CustomStageDefinition<E>,
): Promise<RunningStage>;
export function startStage(
  bus: Bus,
  def: LoginGuardStageDefinition<EventType> | CustomStageDefinition<CloudEvent>,
): Promise<RunningStage> {
  const decode: Decoder = def.decode ?? ((record) => decodeEvent(record, def.accepts ?? []));
  return runStage(bus, { ...def, decode } as StageDefinition<CloudEvent>);
}

async function runStage<E extends CloudEvent>(bus: Bus, def: StageDefinition<E>): Promise<RunningStage> {
  const logger = def.logger ?? createLogger(`stage:${def.name}`);
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...def.retry };
  const limiter = new InFlightLimiter(def.maxInFlight ?? 500);
  const recent = new RecentIds(def.dedupeCapacity ?? 100_000);
  const inputs = typeof def.input === "string" ? [def.input] : [...def.input];
  if (!def.handle === !def.handleBatch)
    throw new Error(`stage ${def.name}: give exactly one of handle and handleBatch`);
  registerSeries(def.name, inputs, def.outputs ?? [], limiter.limit);
  let paused = false;
  let resumed: { promise: Promise<void>; resolve: () => void } | undefined;

  /** Holds a batch while an operator has the stage paused, heartbeating so the group keeps it. */
  async function whilePaused(control: BatchControl): Promise<void> {
    while (paused) {
      resumed ??= gate();
      const slice = sleep(HEARTBEAT_SLICE_MS, control.signal).catch(() => undefined);
      await Promise.race([resumed.promise, slice]);
      if (!control.isRunning()) throw new StageStopping();
      if (paused) await control.heartbeat();
    }
  }

  async function attempt<T>(fn: () => Promise<T>, control: BatchControl): Promise<Attempt<T>> {
    for (let n = 1; ; n++) {
      try {
        return { ok: true, value: await fn() };
      } catch (error) {
        if (!control.isRunning()) throw new StageStopping();
        const retryable = retryability(error);
        if (retryable === false || (retryable === undefined && n >= policy.unknownErrorAttempts)) {
          return { ok: false, error, attempts: n };
        }
        const delay = backoffDelay(policy, n);
        metrics.stageRetries.inc({ stage: def.name });
        logger.warn({ err: describeError(error), attempt: n, delayMs: delay }, "handler failed; retrying");
        await waitWithHeartbeat(delay, control);
      }
    }
  }

  async function waitWithHeartbeat(ms: number, control: BatchControl): Promise<void> {
    for (let left = ms; left > 0; left -= HEARTBEAT_SLICE_MS) {
      try {
        await sleep(Math.min(left, HEARTBEAT_SLICE_MS), control.signal);
      } catch {
        throw new StageStopping();
      }
      if (!control.isRunning()) throw new StageStopping();
      await control.heartbeat();
    }
  }

  /** Runs the handler over decoded events; one outcome per event, in order. */
  async function handle(events: E[], control: BatchControl): Promise<Attempt<HandlerResult>[]> {
    const ctx: StageContext = { stage: def.name, logger, signal: control.signal };
    if (def.handleBatch) {
      const handleBatch = def.handleBatch;
      // A wrong result count or an output failing its schema is the stage's bug, never worth a
      // retry: it is a non-retryable error, so the record is isolated and dead-lettered with
      // the reason instead of the partition retrying forever (issue 9 point 4).
      const checked = async (batch: E[]): Promise<HandlerResult[]> => {
        const results = await handleBatch(batch, ctx);
        const got = Array.isArray(results) ? results.length : 0;
        if (got !== batch.length) throw resultCountError(def.name, got, batch.length);
        for (const result of results) checkOutputs(toList(result));
        return results;
      };
      const all = await attempt(() => checked(events), control);
      if (all.ok) return all.value.map((value) => ({ ok: true, value }));
      if (events.length === 1) return [all];
      // Isolate the record that fails so only it is dead-lettered.
      const outcomes: Attempt<HandlerResult>[] = [];
      for (const event of events) {
        const one = await attempt(() => checked([event]), control);
        outcomes.push(one.ok ? { ok: true, value: one.value[0] } : one);
      }
      return outcomes;
    }
    const handleOne = def.handle!;
    // Keys run concurrently, each key's events in order.
    const byKey = new Map<string, number[]>();
    events.forEach((event, i) => {
      const list = byKey.get(event.subject);
      if (list) list.push(i);
      else byKey.set(event.subject, [i]);
    });
    const outcomes: Attempt<HandlerResult>[] = new Array(events.length);
    const runs = await Promise.allSettled(
      [...byKey.values()].map(async (indexes) => {
        for (const i of indexes) {
          const event = events[i]!;
          outcomes[i] = await attempt(async () => {
            const result = await handleOne(event, ctx);
            checkOutputs(toList(result));
            return result;
          }, control);
        }
      }),
    );
    const failed = runs.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    return outcomes;
  }

  async function publish(records: OutgoingRecord[], control: BatchControl): Promise<void> {
    if (records.length === 0) return;
    const result = await attempt(() => bus.publish(records), control);
    // Publishing never gives up while the stage runs: a broker outage is retried until it ends.
    if (!result.ok) {
      logger.error({ err: describeError(result.error) }, "publish failed; the chunk will come again");
      throw result.error;
    }
  }

  /**
   * For a record the handler gave up on: the stage's `degrade` (a login passed on with what is
   * known, so it still reaches its decision), or the failure as it was. A `degrade` that fails
   * too makes the record `stuck`: dead-lettered with both reasons and counted in
   * `loginguard_logins_stuck_total` (docs/RELIABILITY.md).
   */
  async function degradeOrGiveUp(
    event: E,
    failed: Extract<Attempt<HandlerResult>, { ok: false }>,
    control: BatchControl,
  ): Promise<Attempt<HandlerResult>> {
    const degrade = def.degrade;
    if (!degrade) return failed;
    const code = errorCode(failed.error);
    const ctx: StageContext = { stage: def.name, logger, signal: control.signal };
    const fallback = await attempt(async () => {
      const result = await degrade(event, failed.error, ctx);
      checkOutputs(toList(result));
      return result;
    }, control);
    if (fallback.ok) {
      metrics.loginsDegraded.inc({ stage: def.name, code });
      logger.error(
        { err: describeError(failed.error), ceId: event.id, correlationId: event.correlationId },
        "handler gave up; passed on degraded",
      );
      return fallback;
    }
    metrics.loginsStuck.inc({ stage: def.name, code });
    const error = permanentError(
      `stuck: ${describeError(failed.error)}; degraded fallback failed too: ${describeError(fallback.error)}`,
      "stuck",
      { ceId: event.id, first: code },
      failed.error,
    );
    return { ok: false, error, attempts: failed.attempts + fallback.attempts };
  }

  /**
   * Publishes every input's outputs in one call. When the event log refuses that for good (a
   * non-retryable error such as a record over its size limit), each input's outputs are tried
   * alone and the inputs still refused are dead-lettered (`publish_rejected`) so the partition
   * moves on; outages (retryable) keep the chunk coming again as before.
   */
  async function publishOutputs(
    accepted: Array<{ record: BusRecord; event: E }>,
    outs: OutgoingRecord[][],
    dead: OutgoingRecord[],
    control: BatchControl,
  ): Promise<OutgoingRecord[]> {
    const all = outs.flat();
    try {
      await publish(all, control);
      return all;
    } catch (error) {
      if (retryability(error) !== false || error instanceof StageStopping) throw error;
    }
    const published: OutgoingRecord[] = [];
    for (const [i, records] of outs.entries()) {
      if (records.length === 0) continue;
      const one = await attempt(() => bus.publish(records), control);
      if (one.ok) published.push(...records);
      else if (retryability(one.error) === false) {
        const error = permanentError(
          `publish refused: ${describeError(one.error)}`,
          "publish_rejected",
          {},
          one.error,
        );
        dead.push(deadLetterOf(accepted[i]!.record, error, def.name, one.attempts));
      } else throw one.error;
    }
    return published;
  }

  async function processChunk(records: BusRecord[], control: BatchControl): Promise<void> {
    const dead: OutgoingRecord[] = [];
    const accepted: Array<{ record: BusRecord; event: E }> = [];
    const inChunk = new Set<string>();
    for (const record of records) {
      metrics.stageRecordsIn.inc({ stage: def.name, topic: record.topic });
      // A compaction tombstone (an erased account's key on account.changed) is no event: skip it.
      if (isTombstone(record)) continue;
      const decoded = def.decode(record);
      if (!decoded.ok) {
        logger.warn(
          { err: decoded.error.message, topic: record.topic, offset: record.offset },
          "undecodable record",
        );
        dead.push(deadLetterOf(record, decoded.error, def.name, 1));
      } else if (!recent.has(decoded.event.id) && !inChunk.has(decoded.event.id)) {
        inChunk.add(decoded.event.id);
        accepted.push({ record, event: decoded.event });
      }
    }

    const outs: OutgoingRecord[][] = [];
    let filtered = 0;
    if (accepted.length > 0) {
      // A span per event, a child of the span that produced it: one login is one trace.
      const spans = accepted.map(({ event }) =>
        startSpan(def.name, event.traceparent, {
          "loginguard.correlation_id": event.correlationId,
          "messaging.destination.name": String(accepted[0]?.record.topic ?? ""),
        }),
      );
      const timer = metrics.stageHandlerSeconds.startTimer({ stage: def.name });
      // The handler sees its own span as the event's trace context, for the calls it makes
      // (the relay's HTTP request, the responder's providers).
      const outcomes = await handle(
        accepted.map((a, i) => {
          const traceparent = traceparentOf(spans[i]!);
          return traceparent ? { ...a.event, traceparent } : a.event;
        }),
        control,
      );
      timer();
      for (const [i, outcome] of outcomes.entries()) {
        const { record, event } = accepted[i]!;
        const span = spans[i]!;
        const traceparent = traceparentOf(span) ?? event.traceparent;
        const settled = outcome.ok ? outcome : await degradeOrGiveUp(event, outcome, control);
        if (settled.ok) {
          const emits = toList(settled.value);
          if (emits.length === 0) filtered++;
          outs.push(
            emits.map((emit) => {
              const outgoing = traceparent ? { ...emit.event, traceparent } : emit.event;
              return { topic: emit.topic, ...encodeEvent(outgoing) };
            }),
          );
        } else {
          outs.push([]);
          span.setStatus({ code: 2, message: describeError(settled.error).slice(0, 200) });
          logger.warn(
            {
              err: describeError(settled.error),
              ceId: event.id,
              correlationId: event.correlationId,
              traceId: traceIdOf(traceparent),
            },
            "dead-lettering event",
          );
          dead.push(deadLetterOf(record, settled.error, def.name, settled.attempts));
        }
      }
      for (const span of spans) span.end();
    }

    const out = await publishOutputs(accepted, outs, dead, control);
    await publish(dead, control);
    for (const r of out) metrics.stageRecordsOut.inc({ stage: def.name, topic: r.topic });
    for (const r of dead) {
      metrics.stageDeadLettered.inc({
        stage: def.name,
        topic: r.topic,
        code: r.headers.dlq_error_code ?? "unknown",
      });
    }
    if (filtered > 0) metrics.stageFiltered.inc({ stage: def.name }, filtered);
    // Only what was handled: a dead-lettered id must pass when it is replayed from its .dlq.
    const deadIds = new Set(dead.map((r) => r.headers.ce_id));
    for (const { event } of accepted) if (!deadIds.has(event.id)) recent.add(event.id);
  }

  async function handleBatch(batch: PartitionBatch, control: BatchControl): Promise<void> {
    let start = 0;
    while (start < batch.records.length) {
      await whilePaused(control);
      const permits = await limiter.acquire(batch.records.length - start);
      metrics.stageInFlight.set({ stage: def.name }, limiter.inFlight);
      try {
        await processChunk(batch.records.slice(start, start + permits), control);
      } finally {
        limiter.release(permits);
        metrics.stageInFlight.set({ stage: def.name }, limiter.inFlight);
      }
      start += permits;
    }
  }

  const subscription = await bus.subscribe({
    group: def.name,
    topics: inputs,
    fromBeginning: def.fromBeginning ?? true,
    handleBatch,
  });
  logger.info({ inputs, maxInFlight: limiter.limit }, "stage started");

  const running: RunningStage = {
    name: def.name,
    get maxInFlight() {
      return limiter.limit;
    },
    setMaxInFlight(limit: number) {
      limiter.setLimit(limit);
      metrics.stageMaxInFlight.set({ stage: def.name }, limit);
      logger.info({ maxInFlight: limit }, "max in flight changed");
    },
    get inFlight() {
      return limiter.inFlight;
    },
    get paused() {
      return paused;
    },
    pause() {
      paused = true;
      metrics.stagePaused.set({ stage: def.name }, 1);
      logger.info("stage paused");
    },
    resume() {
      paused = false;
      resumed?.resolve();
      resumed = undefined;
      metrics.stagePaused.set({ stage: def.name }, 0);
      logger.info("stage resumed");
    },
    async stop() {
      running.resume();
      runningStages.remove(running);
      await subscription.stop();
      logger.info("stage stopped");
    },
  };
  runningStages.add(running);
  return running;
}

/** Generic dead-letter codes (`deadLetterOf`), present at zero besides the handlers' own. */
const GENERIC_DLQ_CODES = ["rejected", "gave_up"] as const;

/**
 * Every family of a stage at zero from its start (docs/ARCHITECTURE.md section 9), so a fresh
 * dashboard shows the stage and an alert on absence tells "idle" from "broken".
 */
function registerSeries(stage: string, inputs: string[], outputs: readonly string[], limit: number): void {
  for (const topic of inputs) {
    zeroCounter(metrics.stageRecordsIn, { stage, topic });
    for (const code of GENERIC_DLQ_CODES)
      zeroCounter(metrics.stageDeadLettered, { stage, topic: dlqTopicOf(topic), code });
  }
  for (const topic of outputs) zeroCounter(metrics.stageRecordsOut, { stage, topic });
  zeroCounter(metrics.stageFiltered, { stage });
  zeroCounter(metrics.stageRetries, { stage });
  metrics.stageHandlerSeconds.zero({ stage });
  metrics.stageMaxInFlight.set({ stage }, limit);
  metrics.stageInFlight.set({ stage }, 0);
  metrics.stagePaused.set({ stage }, 0);
}

/** A promise and its resolver (Promise.withResolvers is Node 22+; the code targets 20). */
function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "unknown";
}

/** A keyed record with no value and no CloudEvent headers (docs/ARCHITECTURE.md section 2, `account.erased`). */
function isTombstone(record: BusRecord): boolean {
  return record.value === null && record.key !== null && record.headers.ce_type === undefined;
}

function toList(result: HandlerResult): Emit[] {
  if (!result) return [];
  return Array.isArray(result) ? result : [result];
}
