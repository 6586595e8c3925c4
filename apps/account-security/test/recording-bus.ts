import type { Bus, OutgoingRecord, Subscription, TopicChange, TopicInfo } from "@loginguard/bus";
import { retryableError } from "@loginguard/errors";
import { type CloudEvent, decodeEnvelope } from "@loginguard/events";

/**
 * A Bus that records what is published, for tests of the HTTP side (the component under test is
 * account-security, not an event log). `down = true` makes publish fail like a broker outage.
 * Stage tests use the real embedded driver instead.
 */
export class RecordingBus implements Bus {
  readonly kind = "embedded" as const;
  readonly records: OutgoingRecord[] = [];
  down = false;

  async publish(records: OutgoingRecord[]): Promise<void> {
    if (this.down) throw retryableError("event log unavailable (test)", "broker_unavailable");
    this.records.push(...records);
  }

  /** Published events of `topic`, decoded. */
  events(topic: string): CloudEvent[] {
    return this.records
      .filter((r) => r.topic === topic)
      .map((r) => {
        const decoded = decodeEnvelope(r);
        if (!decoded.ok) throw decoded.error;
        return decoded.event;
      });
  }

  async ensureTopics(): Promise<TopicChange[]> {
    return [];
  }
  async listTopics(): Promise<TopicInfo[]> {
    return [];
  }
  async endOffsets(): Promise<Map<number, string>> {
    return new Map();
  }
  async subscribe(): Promise<Subscription> {
    throw new Error("RecordingBus does not consume; use the embedded driver for stage tests");
  }
  async close(): Promise<void> {}
}
