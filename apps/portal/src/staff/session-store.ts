import type { Database } from "@loginguard/db";
import { and, eq, isNull, lt } from "drizzle-orm";
import { staffSessions } from "../db/tables";

/**
 * A record of every staff session: who signed in, when and from where, and when they signed out.
 * The cookie itself is self-contained (every service verifies it alone); this table lets the
 * portal refuse a session that was signed out, and keeps the sign-in trail.
 */
export class StaffSessionStore {
  constructor(private readonly db: Database) {}

  async open(session: {
    sid: string;
    staffId: string;
    at: Date;
    clientIp: string | null;
    userAgent: string | null;
  }): Promise<void> {
    await this.db.drizzle.insert(staffSessions).values({
      sid: session.sid,
      staffId: session.staffId,
      createdAt: session.at,
      clientIp: session.clientIp,
      userAgent: session.userAgent?.slice(0, 512) ?? null,
      endedAt: null,
    });
  }

  /** Marks the session signed out; later requests with its cookie are refused by the portal. */
  async end(sid: string, at: Date): Promise<void> {
    await this.db.drizzle
      .update(staffSessions)
      .set({ endedAt: at })
      .where(and(eq(staffSessions.sid, sid), isNull(staffSessions.endedAt)));
  }

  /** Signs out every open session of a staff member (disabled, or role changed); answers their ids. */
  async endAllFor(staffId: string, at: Date): Promise<string[]> {
    const rows = await this.db.drizzle
      .update(staffSessions)
      .set({ endedAt: at })
      .where(and(eq(staffSessions.staffId, staffId), isNull(staffSessions.endedAt)))
      .returning({ sid: staffSessions.sid });
    return rows.map((r) => r.sid);
  }

  /** True when the session was opened here and not signed out. */
  async isActive(sid: string): Promise<boolean> {
    const [row] = await this.db.drizzle
      .select({ endedAt: staffSessions.endedAt })
      .from(staffSessions)
      .where(eq(staffSessions.sid, sid))
      .limit(1);
    return row !== undefined && row.endedAt === null;
  }

  /** Deletes sessions that began before `before` (long past their absolute timeout). */
  async prune(before: Date): Promise<void> {
    await this.db.drizzle.delete(staffSessions).where(lt(staffSessions.createdAt, before));
  }
}
