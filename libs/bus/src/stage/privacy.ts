import {
  type AuditRecorded,
  decodeEvent,
  EVENT_TYPES,
  encodeEvent,
  type LoginGuardEvent,
  newEventId,
  TOPICS,
} from "@loginguard/events";
import { type Logger, privacyMetrics } from "@loginguard/observability";
import type { Bus, OutgoingRecord } from "../bus";
import { deriveEmit } from "./emit";
import type { LoginGuardStageDefinition } from "./types";

type ErasedEvent = LoginGuardEvent<"loginguard.account.erased.v1">;

/** What a service does when asked to erase an account. */
export interface ErasureStageOptions {
  /** The service's name as erasure confirmations name it (`logger`, `responder`, ...). */
  service: string;
  /** Deletes the account's personal data; answers rows deleted per table. Must be idempotent. */
  erase(accountId: string, event: ErasedEvent): Promise<Record<string, number>>;
  logger?: Logger;
}

/**
 * The stage every service holding personal data runs (docs/ARCHITECTURE.md sections 2 and 9):
 * `account.erased` → delete → `erasure.completed` naming the service. Group `<service>-erasure`, so a
 * service that was down when asked erases when it returns (its committed offset is behind).
 */
export function erasureStage(
  options: ErasureStageOptions,
): LoginGuardStageDefinition<"loginguard.account.erased.v1"> {
  const name = `${options.service}-erasure`;
  return {
    name,
    input: TOPICS.accountErased,
    accepts: [EVENT_TYPES.accountErased],
    maxInFlight: 16,
    logger: options.logger,
    async handle(event) {
      const deleted = await options.erase(event.data.accountId, event);
      privacyMetrics.erasures.inc({ service: options.service });
      for (const [table, n] of Object.entries(deleted)) {
        privacyMetrics.erasedRows.inc({ service: options.service, table }, n);
      }
      return deriveEmit(name, event, TOPICS.erasureCompleted, EVENT_TYPES.erasureCompleted, {
        accountId: event.data.accountId,
        erasureId: event.data.erasureId,
        service: options.service,
        deleted,
        completedAt: new Date().toISOString(),
      });
    },
  };
}

/**
 * The `audit.recorded` record of a staff action seen by `source` (a service that does not own the
 * audit trail); account-security appends it (docs/ARCHITECTURE.md section 6). Publish it and await
 * the acknowledgement before answering the request it describes.
 */
export function auditRecord(
  source: string,
  entry: Omit<AuditRecorded, "at"> & { at?: string },
): OutgoingRecord {
  const id = newEventId();
  const data: AuditRecorded = { ...entry, at: entry.at ?? new Date().toISOString() };
  return {
    topic: TOPICS.auditRecorded,
    ...encodeEvent({
      id,
      type: EVENT_TYPES.auditRecorded,
      source: `loginguard/${source}`,
      time: data.at,
      subject: entry.accountId ?? entry.actor.id ?? "staff",
      correlationId: id,
      data,
    }),
  };
}

/** Records a staff action in the audit trail: resolves once the event log acknowledged it. */
export type AuditPublisher = (entry: Omit<AuditRecorded, "at"> & { at?: string }) => Promise<void>;

/** An {@link AuditPublisher} of `source` on `bus`. */
export function auditPublisher(bus: Bus, source: string): AuditPublisher {
  return (entry) => bus.publish([auditRecord(source, entry)]);
}

/** A compaction tombstone: a keyed record with no value, so Kafka drops the key's older records. */
export function tombstone(topic: string, key: string): OutgoingRecord {
  return { topic, key, value: null, headers: {} };
}

/** What a revocation reader feeds (libs/auth's StaffRevocations has this shape). */
export interface RevocationSink {
  revokeSession(sid: string, atMs: number): void;
  revokeStaff(staffId: string, atMs: number): void;
  prune(now?: number): void;
}

/**
 * Reads `audit.recorded` from the beginning in a consumer group of this process alone and feeds
 * sign-outs (`staff_sign_out` with `details.sid`) and voided staff (`staff_disabled`,
 * `staff_role_changed` with `details.staffId`) to `sink`: how every service refuses a signed-out
 * cookie within the event log's latency (docs/ARCHITECTURE.md section 6). Undecodable records are skipped.
 */
export async function startRevocationReader(
  bus: Bus,
  sink: RevocationSink,
  options: { service: string },
): Promise<{ stop(): Promise<void> }> {
  const group = `${options.service}-revocations-${newEventId()}`;
  const subscription = await bus.subscribe({
    group,
    topics: [TOPICS.auditRecorded],
    fromBeginning: true,
    async handleBatch(batch) {
      for (const record of batch.records) {
        const decoded = decodeEvent(record, [EVENT_TYPES.auditRecorded]);
        if (!decoded.ok) continue;
        const { action, details, at } = decoded.event.data;
        const atMs = Date.parse(at);
        if (action === "staff_sign_out" && typeof details.sid === "string")
          sink.revokeSession(details.sid, atMs);
        if (
          (action === "staff_disabled" || action === "staff_role_changed") &&
          typeof details.staffId === "string"
        ) {
          sink.revokeStaff(details.staffId, atMs);
        }
      }
      sink.prune();
    },
  });
  return { stop: () => subscription.stop() };
}
