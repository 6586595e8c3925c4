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

/**
 * The (key name, eventId) pairs ingest accepted recently, so a game server's retry is answered
 * 202 without publishing again, and the pairs being published right now, so a retry that
 * overtakes its original waits for the same write instead of writing twice.
 *
 * Bounded by count and age; ids that fall out are still deduplicated downstream by `ce_id`.
 */
export class RecentEvents {
  /** id -> accepted at (ms); a Map keeps insertion order, so the oldest is always first. */
  readonly #accepted = new Map<string, number>();
  readonly #pending = new Map<string, Promise<void>>();
  readonly #windowMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: RecentEventsOptions) {
    this.#windowMs = options.windowMs;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  state(id: string): RecentState {
    const at = this.#accepted.get(id);
    if (at !== undefined) {
      if (this.#now() - at <= this.#windowMs) return ACCEPTED;
      this.#accepted.delete(id);
    }
    const stored = this.#pending.get(id);
    return stored ? { kind: "pending", stored } : NEW;
  }

  /** Marks `ids` as being written by `stored`; accepted once it resolves, forgotten if it fails. */
  track(ids: readonly string[], stored: Promise<void>): void {
    for (const id of ids) this.#pending.set(id, stored);
    stored.then(
      () => {
        const now = this.#now();
        for (const id of ids) {
          if (this.#pending.get(id) === stored) this.#pending.delete(id);
          this.#accepted.delete(id);
          this.#accepted.set(id, now);
        }
        this.#evict(now);
      },
      () => {
        for (const id of ids) if (this.#pending.get(id) === stored) this.#pending.delete(id);
      },
    );
  }

  get size(): number {
    return this.#accepted.size;
  }

  #evict(now: number): void {
    for (const [id, at] of this.#accepted) {
      if (this.#accepted.size <= this.#maxEntries && now - at <= this.#windowMs) return;
      this.#accepted.delete(id);
    }
  }
}
