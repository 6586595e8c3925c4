import type { Bus, BusRecord, Subscription } from "@loginguard/bus";
import { type CloudEvent, decodeEnvelope, dlqTopicOf, encodeEvent, TOPICS } from "@loginguard/events";

/** Every topic the responder reads or writes, dead-letter topics included. */
export const RESPONDER_TOPICS = [
  TOPICS.securityDecided,
  TOPICS.notificationRequested,
  TOPICS.accountChanged,
  TOPICS.actionCompleted,
  dlqTopicOf(TOPICS.securityDecided),
  dlqTopicOf(TOPICS.notificationRequested),
  dlqTopicOf(TOPICS.accountChanged),
  // Erasure (account.erased -> erasure.completed) and staff-session revocations (audit.recorded).
  TOPICS.accountErased,
  TOPICS.erasureCompleted,
  TOPICS.auditRecorded,
  dlqTopicOf(TOPICS.accountErased),
  dlqTopicOf(TOPICS.auditRecorded),
];

export async function publish(bus: Bus, topic: string, events: CloudEvent[]): Promise<void> {
  await bus.publish(events.map((e) => ({ topic, ...encodeEvent(e) })));
}

/** Records arriving on a topic, read by a consumer group of its own. */
export interface TopicWatch {
  records: BusRecord[];
  events(): CloudEvent[];
  until(pred: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

let watchCounter = 0;

export async function watchTopic(bus: Bus, topic: string): Promise<TopicWatch> {
  const records: BusRecord[] = [];
  const sub: Subscription = await bus.subscribe({
    group: `watch-${process.pid}-${Date.now().toString(36)}-${++watchCounter}`,
    topics: [topic],
    handleBatch: async (batch) => {
      records.push(...batch.records);
    },
  });
  return {
    records,
    events: () =>
      records.flatMap((r) => {
        const decoded = decodeEnvelope(r);
        return decoded.ok ? [decoded.event] : [];
      }),
    until: (pred, what, timeoutMs) =>
      waitUntil(pred, () => `${what} (saw ${records.length} records on ${topic})`, timeoutMs),
    stop: () => sub.stop(),
  };
}

export async function waitUntil(pred: () => boolean, what: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
