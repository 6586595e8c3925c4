import type { Bus, BusRecord, OutgoingRecord, SubscribeOptions, Subscription } from "@loginguard/bus";

/**
 * A Bus test double for ingest's HTTP tests: one partition per topic in memory, every publish
 * call recorded, and a switch that makes publish fail like an event log that cannot take writes.
 * The component under test is ingest, not the event log (the real driver runs in *.int.test.ts).
 */
export class MemoryBus implements Bus {
  readonly kind = "embedded" as const;
  readonly publishCalls: OutgoingRecord[][] = [];
  readonly log: BusRecord[] = [];
  /** When set, publish rejects with it. */
  failWith: Error | undefined;
  /** When set, publish waits for it before storing. */
  gate: Promise<void> | undefined;
  readonly #subscribers: SubscribeOptions[] = [];

  async publish(records: OutgoingRecord[]): Promise<void> {
    this.publishCalls.push(records);
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    const stored = records.map((r, i) => ({
      ...r,
      partition: 0,
      offset: String(this.log.length + i),
      timestamp: Date.now(),
    }));
    this.log.push(...stored);
    for (const s of this.#subscribers) await this.#deliver(s, stored);
  }

  /** Records published to `topic`, in order. */
  records(topic: string): BusRecord[] {
    return this.log.filter((r) => r.topic === topic);
  }

  async ensureTopics() {
    return [];
  }

  async listTopics() {
    return [];
  }

  /** One partition per topic; offsets are positions in the shared log, so the end is after the last. */
  async endOffsets(topic: string): Promise<Map<number, string>> {
    const last = this.records(topic).at(-1);
    return new Map([[0, last ? String(Number(last.offset) + 1) : "0"]]);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.#subscribers.push(options);
    if (options.fromBeginning !== false) await this.#deliver(options, this.log);
    return {
      group: options.group,
      stop: async () => {
        this.#subscribers.splice(this.#subscribers.indexOf(options), 1);
      },
    };
  }

  async close() {}

  async #deliver(s: SubscribeOptions, records: BusRecord[]): Promise<void> {
    for (const topic of s.topics) {
      const batch = records.filter((r) => r.topic === topic);
      if (batch.length === 0) continue;
      const control = {
        heartbeat: async () => {},
        isRunning: () => true,
        signal: new AbortController().signal,
      };
      await s.handleBatch({ topic, partition: 0, records: batch }, control);
    }
  }
}
