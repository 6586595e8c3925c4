import { describeError, LoginGuardError, retryability } from "@loginguard/errors";
import { type CloudEvent, decodeEvent, type EventType, encodeEvent } from "@loginguard/events";
import { createLogger, metrics } from "@loginguard/observability";
import type { BatchControl, Bus, BusRecord, OutgoingRecord, PartitionBatch } from "../bus";
import { deadLetterOf } from "./dead-letter";
import { RecentIds } from "./dedupe";
import { InFlightLimiter } from "./limiter";
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
      const all = await attempt(() => handleBatch(events, ctx), control);
      if (all.ok) {
        if (all.value.length !== events.length) {
          throw new Error(
            `stage ${def.name}: handleBatch returned ${all.value.length} results for ${events.length} events`,
          );
        }
        return all.value.map((value) => ({ ok: true, value }));
      }
      if (events.length === 1) return [all];
      // Isolate the record that fails so only it is dead-lettered.
      const outcomes: Attempt<HandlerResult>[] = [];
      for (const event of events) {
        const one = await attempt(() => handleBatch([event], ctx), control);
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
          outcomes[i] = await attempt(async () => handleOne(event, ctx), control);
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

    const out: OutgoingRecord[] = [];
    if (accepted.length > 0) {
      const timer = metrics.stageHandlerSeconds.startTimer({ stage: def.name });
      const outcomes = await handle(
        accepted.map((a) => a.event),
        control,
      );
      timer();
      outcomes.forEach((outcome, i) => {
        const { record, event } = accepted[i]!;
        if (outcome.ok) {
          for (const emit of toList(outcome.value))
            out.push({ topic: emit.topic, ...encodeEvent(emit.event) });
        } else {
          logger.warn(
            { err: describeError(outcome.error), ceId: event.id, correlationId: event.correlationId },
            "dead-lettering event",
          );
          dead.push(deadLetterOf(record, outcome.error, def.name, outcome.attempts));
        }
      });
    }

    await publish([...out, ...dead], control);
    for (const r of out) metrics.stageRecordsOut.inc({ stage: def.name, topic: r.topic });
    for (const r of dead) {
      metrics.stageDeadLettered.inc({
        stage: def.name,
        topic: r.topic,
        code: r.headers.dlq_error_code ?? "unknown",
      });
    }
    for (const { event } of accepted) recent.add(event.id);
  }

  async function handleBatch(batch: PartitionBatch, control: BatchControl): Promise<void> {
    let start = 0;
    while (start < batch.records.length) {
      const permits = await limiter.acquire(batch.records.length - start);
      try {
        await processChunk(batch.records.slice(start, start + permits), control);
      } finally {
        limiter.release(permits);
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

  return {
    name: def.name,
    get maxInFlight() {
      return limiter.limit;
    },
    setMaxInFlight(limit: number) {
      limiter.setLimit(limit);
      logger.info({ maxInFlight: limit }, "max in flight changed");
    },
    async stop() {
      await subscription.stop();
      logger.info("stage stopped");
    },
  };
}

/** A keyed record with no value and no CloudEvent headers (docs/ARCHITECTURE.md section 2, `account.erased`). */
function isTombstone(record: BusRecord): boolean {
  return record.value === null && record.key !== null && record.headers.ce_type === undefined;
}

function toList(result: HandlerResult): Emit[] {
  if (!result) return [];
  return Array.isArray(result) ? result : [result];
}
