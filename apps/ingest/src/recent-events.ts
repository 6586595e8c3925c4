/** What is known of an event id. */
export type RecentState = { kind: "new" } | { kind: "accepted" } | { kind: "pending"; stored: Promise<void> };

const NEW: RecentState = { kind: "new" };
const ACCEPTED: RecentState = { kind: "accepted" };

export interface RecentEventsOptions {
  /** How long an accepted id is remembered. */
  windowMs: number;
  /** Most ids remembered; the oldest are forgotten first. */
  maxEntries: number;
  now?: () => number;
}

/** Room for key-name numbers in a packed entry (more key names still work, see `#keyNumber`). */
const KEY_SLOTS = 4096;

/**
 * The (key name, eventId) pairs ingest accepted recently, so a game server's retry is answered
 * 202 without publishing again, and the pairs being published right now, so a retry that
 * overtakes its original waits for the same write instead of writing twice.
 *
 * Bounded by count and age; ids that fall out are still deduplicated downstream by `ce_id`.
 * Memory: one Map entry per id, keyed by the eventId string itself (no composite key, which V8
 * would keep as a second, larger string) with the key name and the time packed into one number:
 * about 110 bytes per id with 36-character ids (bench.ts).
 */
export class RecentEvents {
  /** eventId -> seconds since `#start` * KEY_SLOTS + key number; insertion order = age order. */
  readonly #accepted = new Map<string, number>();
  readonly #pending = new Map<string, { key: number; stored: Promise<void> }>();
  readonly #keyNumbers = new Map<string, number>();
  readonly #windowSeconds: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #start: number;

  constructor(options: RecentEventsOptions) {
    this.#windowSeconds = Math.ceil(options.windowMs / 1000);
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
    this.#start = this.#now();
  }

  state(keyName: string, eventId: string): RecentState {
    const key = this.#keyNumber(keyName);
    const packed = this.#accepted.get(eventId);
    if (packed !== undefined && packed % KEY_SLOTS === key) {
      if (this.#seconds() - Math.floor(packed / KEY_SLOTS) <= this.#windowSeconds) return ACCEPTED;
      this.#accepted.delete(eventId);
    }
    const pending = this.#pending.get(eventId);
    return pending && pending.key === key ? { kind: "pending", stored: pending.stored } : NEW;
  }

  /** Marks ids as being written by `stored`; accepted once it resolves, forgotten if it fails. */
  track(keyName: string, eventIds: readonly string[], stored: Promise<void>): void {
    const key = this.#keyNumber(keyName);
    const entry = { key, stored };
    for (const id of eventIds) this.#pending.set(id, entry);
    stored.then(
      () => {
        const packed = this.#seconds() * KEY_SLOTS + key;
        for (const id of eventIds) {
          if (this.#pending.get(id) === entry) this.#pending.delete(id);
          this.#accepted.delete(id);
          this.#accepted.set(id, packed);
        }
        this.#evict();
      },
      () => {
        for (const id of eventIds) if (this.#pending.get(id) === entry) this.#pending.delete(id);
      },
    );
  }

  get size(): number {
    return this.#accepted.size;
  }

  #seconds(): number {
    return Math.floor((this.#now() - this.#start) / 1000);
  }

  /** A small number per key name; past KEY_SLOTS names, numbers repeat (ids then share a slot). */
  #keyNumber(keyName: string): number {
    let n = this.#keyNumbers.get(keyName);
    if (n === undefined) {
      n = this.#keyNumbers.size % KEY_SLOTS;
      this.#keyNumbers.set(keyName, n);
    }
    return n;
  }

  #evict(): void {
    const oldest = this.#seconds() - this.#windowSeconds;
    for (const [id, packed] of this.#accepted) {
      if (this.#accepted.size <= this.#maxEntries && Math.floor(packed / KEY_SLOTS) >= oldest) return;
      this.#accepted.delete(id);
    }
  }
}
