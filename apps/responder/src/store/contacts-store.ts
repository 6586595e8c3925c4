import type { Database } from "@loginguard/db";
import { eq, sql } from "drizzle-orm";
import type { Contact } from "../types";
import { guarded } from "./guard";
import { contacts } from "./tables";

/** A change to a contact: a field left out stays as it is, `null` removes it. */
export interface ContactPatch {
  email?: string | null;
  phone?: string | null;
  language?: "en" | "ko" | null;
}

/** The contact directory: where to reach each player, and in which language. */
export interface ContactStore {
  get(accountId: string): Promise<Contact | undefined>;
  /** Applies `patch` (creating the contact when new) and answers the stored contact. */
  update(accountId: string, patch: ContactPatch, updatedBy: string): Promise<Contact>;
  /** Forgets the contact; answers whether there was one. */
  remove(accountId: string): Promise<boolean>;
}

export function contactStore(db: Database): ContactStore {
  const toContact = (row: typeof contacts.$inferSelect): Contact => ({
    accountId: row.accountId,
    email: row.email,
    phone: row.phone,
    language: row.language,
    updatedAt: row.updatedAt,
  });
  return {
    // Plain SQL: read for every notification (see deliveries-store.ts).
    get: async (accountId) => {
      const { rows } = await db.sql.query<{
        email: string | null;
        phone: string | null;
        language: Contact["language"];
        updated_at: Date;
      }>("SELECT email, phone, language, updated_at FROM responder.contacts WHERE account_id = $1", [
        accountId,
      ]);
      const row = rows[0];
      return row
        ? { accountId, email: row.email, phone: row.phone, language: row.language, updatedAt: row.updated_at }
        : undefined;
    },
    update: (accountId, patch, updatedBy) =>
      guarded(async () => {
        const set: Record<string, unknown> = { updatedBy, updatedAt: sql`now()` };
        if (patch.email !== undefined) set.email = patch.email;
        if (patch.phone !== undefined) set.phone = patch.phone;
        if (patch.language !== undefined) set.language = patch.language;
        const [row] = await db.drizzle
          .insert(contacts)
          .values({
            accountId,
            email: patch.email ?? null,
            phone: patch.phone ?? null,
            language: patch.language ?? null,
            updatedBy,
          })
          .onConflictDoUpdate({ target: contacts.accountId, set })
          .returning();
        return toContact(row!);
      }),
    remove: (accountId) =>
      guarded(async () => {
        const rows = await db.drizzle
          .delete(contacts)
          .where(eq(contacts.accountId, accountId))
          .returning({ accountId: contacts.accountId });
        return rows.length > 0;
      }),
  };
}
