import type { BusRecord } from "../bus";

/** A record as kept in the tail cache: what is delivered, and its size for the cache budget. */
export interface CachedRecord {
  record: BusRecord;
  size: number;
}

/**
 * In-memory state of one topic-partition: the offset counters, the tail of recently committed
 * records (so consumers that keep up never query the database), the readers' positions and their
 * wake-ups. One process owns the log, so memory is the truth and the database its durable copy.
 */
export class PartitionLog {
  /** Next offset to assign; includes the records of a write in flight. */
  nextOffset: number;
  /** Every offset below this is committed (durable and readable). */
  highWatermark: number;

  private cache: CachedRecord[] = [];
  private cacheHead = 0;
  private cacheStart: number;
  private cacheBytes = 0;
  private readonly readers = new Map<object, number>();
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly topicId: number,
    readonly partition: number,
    end: number,
    private readonly cacheLimitBytes: number,
  ) {
    this.nextOffset = end;
    this.highWatermark = end;
    this.cacheStart = end;
  }

  /**
   * `count` records now committed at `baseOffset...`: raises the high watermark, keeps the records
   * in the tail cache when someone reads this partition (`records` is called only then), and
   * wakes the readers.
   */
  committed(baseOffset: number, count: number, records: () => CachedRecord[]): void {
    const end = baseOffset + count;
    if (end > this.highWatermark) this.highWatermark = end;
    if (this.readers.size > 0) {
      if (this.cacheStart + this.cacheLength() !== baseOffset) this.clearCache(baseOffset);
      for (const r of records()) {
        this.cache.push(r);
        this.cacheBytes += r.size;
      }
      this.trim();
    } else if (this.cacheLength() > 0) this.clearCache(end);
    this.wake();
  }

  /** Moves the counters after a failed write, or to what the database holds after a resync. */
  resetEnd(end: number): void {
    this.nextOffset = end;
    if (end > this.highWatermark) {
      this.highWatermark = end;
      this.clearCache(end);
      this.wake();
    }
  }

  /**
   * Up to `max` committed records from `from` on, when the cache holds `from`; `[]` when nothing
   * is committed there yet; `undefined` when the database must be read.
   */
  read(from: number, max: number): CachedRecord[] | undefined {
    if (from >= this.highWatermark) return [];
    const length = this.cacheLength();
    if (from < this.cacheStart || from >= this.cacheStart + length) return undefined;
    const start = this.cacheHead + (from - this.cacheStart);
    return this.cache.slice(start, Math.min(start + max, this.cache.length));
  }

  /** Registers (or moves) a reader's position; the cache keeps nothing below the lowest one. */
  setReader(reader: object, position: number): void {
    this.readers.set(reader, position);
    this.trim();
  }

  removeReader(reader: object): void {
    this.readers.delete(reader);
    if (this.readers.size === 0) this.clearCache(this.highWatermark);
    else this.trim();
  }

  /**
   * Resolves once records past `position` are committed, after `timeoutMs`, or when `signal`
   * aborts; never rejects.
   */
  waitFor(position: number, signal: AbortSignal, timeoutMs: number): Promise<void> {
    if (this.highWatermark > position || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener("abort", done, { once: true });
      this.waiters.add(done);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private cacheLength(): number {
    return this.cache.length - this.cacheHead;
  }

  private clearCache(start: number): void {
    this.cache = [];
    this.cacheHead = 0;
    this.cacheStart = start;
    this.cacheBytes = 0;
  }

  /** Drops what every reader has passed, then the oldest records beyond the byte budget. */
  private trim(): void {
    let lowest = Number.POSITIVE_INFINITY;
    for (const position of this.readers.values()) if (position < lowest) lowest = position;
    while (this.cacheHead < this.cache.length) {
      const first = this.cache[this.cacheHead]!;
      if (this.cacheStart >= lowest && this.cacheBytes <= this.cacheLimitBytes) break;
      this.cacheBytes -= first.size;
      this.cacheHead++;
      this.cacheStart++;
    }
    if (this.cacheHead === this.cache.length) this.clearCache(this.cacheStart);
    else if (this.cacheHead > 1024 && this.cacheHead * 2 > this.cache.length) {
      this.cache = this.cache.slice(this.cacheHead);
      this.cacheHead = 0;
    }
  }
}
