import type { Database, SqlClient } from "@loginguard/db";
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { SCHEMA } from "./migrations";
import { audit } from "./tables";

/** One audit record: who did what to whom, why, when and from where. */
export interface AuditEntry {
  at: Date;
  actor: { kind: "staff" | "player" | "system"; id: string | null; email: string | null };
  /** The player account acted on; null for staff-only actions (sign-in, staff created). */
  accountId: string | null;
  /** What was done: `unlock`, `settings_change`, `lock_by_player`, ... */
  action: string;
  /** Why, in the actor's words (staff must give one). */
  reason: string | null;
  /** The request's client address (staff requests only). */
  clientIp: string | null;
  details: Record<string, unknown>;
}

/** A stored audit record. */
export interface AuditRecord extends AuditEntry {
  id: number;
}

/** What the audit view filters by. */
export interface AuditFilter {
  accountId?: string;
  /** The staff member's id (`actor_id`). */
  actorId?: string;
  action?: string;
}

/** One page of the audit trail, newest first. */
export interface AuditPage {
  items: AuditRecord[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The append-only audit trail. The database refuses UPDATE, DELETE and TRUNCATE on the table
 * (a trigger), whoever asks; this class only ever inserts and reads.
 */
export class AuditLog {
  constructor(private readonly db: Database) {}

  /** Appends a record inside `tx`, so it commits or rolls back with the change it describes. */
  async append(tx: SqlClient, entry: AuditEntry, eventId: string | null = null): Promise<void> {
    await tx.query(
      `INSERT INTO ${SCHEMA}.audit
         (at, actor_kind, actor_id, actor_email, account_id, action, reason, client_ip, details, event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        entry.at,
        entry.actor.kind,
        entry.actor.id,
        entry.actor.email,
        entry.accountId,
        entry.action,
        entry.reason,
        entry.clientIp,
        JSON.stringify(entry.details),
        eventId,
      ],
    );
  }

  /**
   * A page of records, newest first, optionally of one account, one staff member (`actorId`) and
   * one action. `cursor` comes from the previous page.
   */
  async list(query: AuditFilter & { limit: number; cursor?: string }): Promise<AuditPage> {
    const conditions: SQL[] = [];
    if (query.accountId !== undefined) conditions.push(eq(audit.accountId, query.accountId));
    if (query.actorId !== undefined) conditions.push(eq(audit.actorId, query.actorId));
    if (query.action !== undefined) conditions.push(eq(audit.action, query.action));
    if (query.cursor !== undefined) conditions.push(lt(audit.id, decodeAuditCursor(query.cursor)));
    const rows = await this.db.drizzle
      .select()
      .from(audit)
      .where(conditions.length > 0 ? and(...conditions) : undefined)
      .orderBy(desc(audit.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        id: r.id,
        at: r.at,
        actor: { kind: r.actorKind, id: r.actorId, email: r.actorEmail },
        accountId: r.accountId,
        action: r.action,
        reason: r.reason,
        clientIp: r.clientIp,
        details: r.details,
      })),
      nextCursor: rows.length > query.limit && last ? encodeAuditCursor(last.id) : null,
    };
  }
}

/** Thrown for a cursor this service did not make. */
export class BadCursorError extends Error {
  override name = "BadCursorError";
}

function encodeAuditCursor(id: number): string {
  return Buffer.from(`a:${id}`).toString("base64url");
}

function decodeAuditCursor(cursor: string): number {
  const match = /^a:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw new BadCursorError("the cursor is not one this API returned");
  return Number(match[1]);
}
