import type { StaffSession } from "./staff-session";

/**
 * Staff sessions ended before their timeout (docs/ARCHITECTURE.md section 6): signed-out session
 * ids, and per staff member a cut-off before which every session is void (disabled, role changed).
 * Each service keeps one in memory, fed by its own reader of the audit events; entries older
 * than the sessions' absolute timeout are dropped, since such cookies fail anyway.
 */
export class StaffRevocations {
  readonly #sessions = new Map<string, number>();
  readonly #staff = new Map<string, number>();

  constructor(private readonly keepMs = 12 * 3600_000) {}

  /** The session `sid` was signed out at `atMs`. */
  revokeSession(sid: string, atMs: number): void {
    this.#sessions.set(sid, atMs);
  }

  /** Every session of `staffId` issued at or before `atMs` is void. */
  revokeStaff(staffId: string, atMs: number): void {
    this.#staff.set(staffId, Math.max(atMs, this.#staff.get(staffId) ?? 0));
  }

  isRevoked(session: Pick<StaffSession, "sid" | "staffId" | "issuedAt">): boolean {
    if (this.#sessions.has(session.sid)) return true;
    const cutoff = this.#staff.get(session.staffId);
    return cutoff !== undefined && session.issuedAt <= cutoff;
  }

  /** Drops entries older than the absolute timeout. */
  prune(now = Date.now()): void {
    for (const map of [this.#sessions, this.#staff]) {
      for (const [key, at] of map) if (now - at > this.keepMs) map.delete(key);
    }
  }

  get size(): number {
    return this.#sessions.size + this.#staff.size;
  }
}
