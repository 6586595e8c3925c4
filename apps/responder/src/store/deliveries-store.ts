import type { Database } from "@loginguard/db";
import { desc, eq } from "drizzle-orm";
import type { DeliveryResult } from "../types";
import { guarded } from "./guard";
import { deliveries } from "./tables";

/** A recorded side effect of one input event. */
export interface DeliveryRecord extends DeliveryResult {
  sourceId: string;
  accountId: string;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What was sent for which event: the idempotency record of every side effect. */
export interface DeliveryStore {
  /** Every recorded side effect of one input event. */
  forSource(sourceId: string): Promise<DeliveryRecord[]>;
  /** Records (or updates, counting the attempt) the result of one side effect. */
  record(sourceId: string, accountId: string, result: DeliveryResult): Promise<void>;
  /** An account's side effects, newest first (support console). */
  forAccount(accountId: string, limit: number): Promise<DeliveryRecord[]>;
}

interface DeliveryRow {
  source_id: string;
  account_id: string;
  channel: DeliveryRecord["channel"];
  kind: string;
  outcome: DeliveryRecord["outcome"];
  provider_id: string | null;
  detail: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * The per-event calls (`forSource`, `record`) are plain SQL: they run for every event, and on
 * PGlite drizzle's query building costs about twice the query itself. Listing uses drizzle.
 */
export function deliveryStore(db: Database): DeliveryStore {
  const toRecord = (row: typeof deliveries.$inferSelect): DeliveryRecord => ({
    sourceId: row.sourceId,
    accountId: row.accountId,
    channel: row.channel,
    kind: row.kind,
    outcome: row.outcome,
    providerId: row.providerId,
    detail: row.detail,
    attempts: row.attempts,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
  return {
    forSource: async (sourceId) => {
      const { rows } = await db.sql.query<DeliveryRow>(
        "SELECT * FROM responder.deliveries WHERE source_id = $1",
        [sourceId],
      );
      return rows.map((r) => ({
        sourceId: r.source_id,
        accountId: r.account_id,
        channel: r.channel,
        kind: r.kind,
        outcome: r.outcome,
        providerId: r.provider_id,
        detail: r.detail,
        attempts: r.attempts,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }));
    },
    record: async (sourceId, accountId, result) => {
      await db.sql.query(
        `INSERT INTO responder.deliveries (source_id, channel, kind, account_id, outcome, provider_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (source_id, channel, kind) DO UPDATE SET
           outcome = excluded.outcome, provider_id = excluded.provider_id, detail = excluded.detail,
           attempts = responder.deliveries.attempts + 1, updated_at = now()`,
        [sourceId, result.channel, result.kind, accountId, result.outcome, result.providerId, result.detail],
      );
    },
    forAccount: (accountId, limit) =>
      guarded(async () =>
        (
          await db.drizzle
            .select()
            .from(deliveries)
            .where(eq(deliveries.accountId, accountId))
            .orderBy(desc(deliveries.createdAt))
            .limit(limit)
        ).map(toRecord),
      ),
  };
}
