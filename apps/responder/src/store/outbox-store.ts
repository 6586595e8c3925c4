import type { Database } from "@loginguard/db";
import { desc, eq, lt } from "drizzle-orm";
import { guarded } from "./guard";
import { outbox } from "./tables";

/** A message kept locally instead of sent (no SMTP / Twilio configured). */
export interface OutboxMessage {
  id: string;
  accountId: string;
  channel: "email" | "sms";
  recipient: string;
  language: string;
  subject: string | null;
  text: string;
  html: string | null;
  createdAt: Date;
}

export interface OutboxStore {
  /** Stores a message; the same id twice keeps the first. */
  put(message: Omit<OutboxMessage, "createdAt">): Promise<void>;
  /** Newest first; one account's, or everyone's when `accountId` is undefined. */
  list(options: { accountId?: string; limit: number }): Promise<OutboxMessage[]>;
  /** Deletes messages older than `before`. */
  pruneBefore(before: Date): Promise<void>;
}

export function outboxStore(db: Database): OutboxStore {
  return {
    put: async (m) => {
      await db.sql.query(
        `INSERT INTO responder.outbox (id, account_id, channel, recipient, language, subject, text_body, html_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
        [m.id, m.accountId, m.channel, m.recipient, m.language, m.subject, m.text, m.html],
      );
    },
    list: ({ accountId, limit }) =>
      guarded(async () => {
        const rows = await db.drizzle
          .select()
          .from(outbox)
          .where(accountId === undefined ? undefined : eq(outbox.accountId, accountId))
          .orderBy(desc(outbox.createdAt), desc(outbox.id))
          .limit(limit);
        return rows.map((r) => ({
          id: r.id,
          accountId: r.accountId,
          channel: r.channel,
          recipient: r.recipient,
          language: r.language,
          subject: r.subject,
          text: r.textBody,
          html: r.htmlBody,
          createdAt: r.createdAt,
        }));
      }),
    pruneBefore: (before) =>
      guarded(async () => {
        await db.drizzle.delete(outbox).where(lt(outbox.createdAt, before));
      }),
  };
}
