import type { Database } from "@loginguard/db";
import { desc, eq, sql } from "drizzle-orm";
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
    forSource: (sourceId) =>
      guarded(async () =>
        (await db.drizzle.select().from(deliveries).where(eq(deliveries.sourceId, sourceId))).map(toRecord),
      ),
    record: (sourceId, accountId, result) =>
      guarded(async () => {
        await db.drizzle
          .insert(deliveries)
          .values({ sourceId, accountId, ...result })
          .onConflictDoUpdate({
            target: [deliveries.sourceId, deliveries.channel, deliveries.kind],
            set: {
              outcome: result.outcome,
              providerId: result.providerId,
              detail: result.detail,
              attempts: sql`${deliveries.attempts} + 1`,
              updatedAt: sql`now()`,
            },
          });
      }),
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
