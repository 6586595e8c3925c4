import { LoginGuardError } from "@loginguard/errors";
import type { OutgoingRecord } from "../bus";

/** How the batcher groups records into sends. */
export interface PublishBatcherOptions {
  /** Wait this long after the first pending record before sending (unless the batch is full). */
  lingerMs: number;
  /** Send at once when this many records are pending; also the most records per send. */
  maxBatchRecords: number;
  /** The most bytes per send; a single record larger than this goes alone. */
  maxBatchBytes: number;
  sizeOf(record: OutgoingRecord): number;
}

/** Sends one batch; resolves when every record is acknowledged. */
export type SendBatch = (records: OutgoingRecord[]) => Promise<void>;

interface Entry {
  records: OutgoingRecord[];
  /** Index of the first record not yet handed to a send. */
  next: number;
  acked: number;
  settled: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

interface Part {
  entry: Entry;
  count: number;
}

/**
 * Joins the records of concurrent `publish` calls into few sends: one send in flight at a time
 * (so two sends never race and per-key order holds), records that arrive meanwhile go in the
 * next one. Each caller's promise resolves once all its records are acknowledged, and rejects
 * with the send's error otherwise; the unsent rest of a failed caller's records is dropped, so
 * a retry by the caller cannot land behind them.
 */
export class PublishBatcher {
  private readonly queue: Entry[] = [];
  private pendingRecords = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending = false;
  private closed = false;
  private readonly idle: Array<() => void> = [];

  constructor(
    private readonly send: SendBatch,
    private readonly options: PublishBatcherOptions,
  ) {}

  /** Queues records; resolves when all of them are acknowledged. */
  publish(records: OutgoingRecord[]): Promise<void> {
    if (this.closed) {
      return Promise.reject(
        new LoginGuardError("the Kafka bus is closed", { code: "bus_closed", retryable: false }),
      );
    }
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, next: 0, acked: 0, settled: false, resolve, reject });
      this.pendingRecords += records.length;
      this.schedule();
    });
  }

  /** Records waiting for a send (not counting the send in flight). */
  get pending(): number {
    return this.pendingRecords;
  }

  /** Refuses new records, sends what is queued, and resolves when nothing is left in flight. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.pump();
    }
    if (!this.sending && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.sending) return; // the send loop takes the new records when the send in flight ends
    if (this.pendingRecords >= this.options.maxBatchRecords) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.pump();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, this.options.lingerMs);
  }

  private take(): { records: OutgoingRecord[]; parts: Part[] } {
    const { maxBatchRecords, maxBatchBytes, sizeOf } = this.options;
    const records: OutgoingRecord[] = [];
    const parts: Part[] = [];
    let bytes = 0;
    let full = false;
    while (!full && this.queue.length > 0) {
      const entry = this.queue[0]!;
      let count = 0;
      while (entry.next < entry.records.length) {
        if (records.length >= maxBatchRecords) {
          full = true;
          break;
        }
        const record = entry.records[entry.next]!;
        const size = sizeOf(record);
        if (records.length > 0 && bytes + size > maxBatchBytes) {
          full = true;
          break;
        }
        records.push(record);
        bytes += size;
        entry.next++;
        count++;
      }
      if (count > 0) parts.push({ entry, count });
      if (entry.next < entry.records.length) break;
      this.queue.shift();
    }
    this.pendingRecords -= records.length;
    return { records, parts };
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const { records, parts } = this.take();
        try {
          await this.send(records);
          for (const { entry, count } of parts) {
            entry.acked += count;
            if (!entry.settled && entry.acked === entry.records.length) {
              entry.settled = true;
              entry.resolve();
            }
          }
        } catch (err) {
          for (const { entry } of parts) {
            if (entry.settled) continue;
            entry.settled = true;
            entry.reject(err);
          }
          // A failed caller split over several sends: drop its unsent rest.
          const head = this.queue[0];
          if (head?.settled) {
            this.pendingRecords -= head.records.length - head.next;
            this.queue.shift();
          }
        }
      }
    } finally {
      this.sending = false;
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }
}
