import type { BusRecord, CustomStageDefinition } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import {
  type CloudEvent,
  type DecodeResult,
  decodeEnvelope,
  TOPICS,
  type WireRecord,
} from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import type { Sighting, WatchStore } from "./watch-store";

/** The loss detector's consumer group (every portal replica shares it; the state is in the database). */
export const WATCH_STAGE = "portal-loss-detector";

/** Output topic -> the stage that wrote it, in pipeline order. */
export const WATCHED = [
  { topic: TOPICS.loginAttempted, stage: "ingest", rank: 1 },
  { topic: TOPICS.loginLocated, stage: "ip-checker", rank: 2 },
  { topic: TOPICS.loginRecorded, stage: "logger", rank: 3 },
] as const;

/** Where an event came from, which the stage runtime keeps out of the decoded event. */
type Watched = CloudEvent & { record: Pick<BusRecord, "topic" | "partition" | "offset" | "timestamp"> };

/** The runtime hands decoders the consumed BusRecord (a WireRecord with its position); keep the position. */
function decode(wire: WireRecord): DecodeResult<Watched> {
  const decoded = decodeEnvelope(wire);
  if (!decoded.ok) return decoded;
  const { topic, partition, offset, timestamp } = wire as BusRecord;
  return { ok: true, event: { ...decoded.event, record: { topic, partition, offset, timestamp } } };
}

/**
 * The loss detector's sightings (docs/ARCHITECTURE.md section 9): every login on `login.attempted`,
 * `login.located` and `login.recorded` (the furthest stage it reached, and on `login.recorded` its
 * offset), and its decision on `security.decided`, which ends the watch. A login with nothing to
 * do ends it when account-security's group commits past its `login.recorded` offset (the sweep
 * checks). One transaction per batch, committed after it: a restart loses nothing.
 */
export function watchStage(options: {
  db: Database;
  store: WatchStore;
  logger?: Logger;
}): CustomStageDefinition<Watched> {
  const byTopic = new Map<string, (typeof WATCHED)[number]>(WATCHED.map((w) => [w.topic, w]));
  return {
    name: WATCH_STAGE,
    input: [...WATCHED.map((w) => w.topic), TOPICS.securityDecided],
    decode,
    maxInFlight: 1000,
    dedupeCapacity: 0,
    ...(options.logger ? { logger: options.logger } : {}),
    async handleBatch(events) {
      const sightings: Sighting[] = [];
      const decided: string[] = [];
      for (const e of events) {
        const data = e.data as { eventId?: unknown; loginEventId?: unknown; accountId?: unknown };
        if (e.record.topic === TOPICS.securityDecided) {
          if (typeof data.loginEventId === "string") decided.push(data.loginEventId);
          continue;
        }
        const w = byTopic.get(e.record.topic);
        if (!w) continue;
        sightings.push({
          loginId: e.correlationId,
          accountId: typeof data.accountId === "string" ? data.accountId : e.subject,
          acceptedAt: new Date(e.record.timestamp),
          stage: w.stage,
          rank: w.rank,
          ...(e.record.topic === TOPICS.loginRecorded
            ? { recorded: { partition: e.record.partition, offset: Number(e.record.offset) } }
            : {}),
        });
      }
      await options.db.sql.transaction(async (tx) => {
        await options.store.sight(tx, sightings);
        await options.store.settle(tx, decided);
      });
      return events.map(() => undefined);
    },
  };
}
