import type { Database } from "@loginguard/db";
import { and, eq, inArray, lt } from "drizzle-orm";
import { guarded } from "./guard";
import { notificationSlots } from "./tables";

/** Notification slots: one notification per account, rule and hour. */
export interface SlotStore {
  /**
   * Takes the hour's slot of each rule for `sourceId` and answers the rules whose slot this
   * source holds: newly taken, or taken by the same source before (a redelivery).
   */
  claim(accountId: string, ruleCodes: string[], hourBucket: number, sourceId: string): Promise<string[]>;
  /** Deletes slots of hours before `hourBucket`. */
  pruneBefore(hourBucket: number): Promise<void>;
}

export function slotStore(db: Database): SlotStore {
  return {
    claim: (accountId, ruleCodes, hourBucket, sourceId) =>
      guarded(async () => {
        if (ruleCodes.length === 0) return [];
        await db.drizzle
          .insert(notificationSlots)
          .values(ruleCodes.map((ruleCode) => ({ accountId, ruleCode, hourBucket, sourceId })))
          .onConflictDoNothing();
        const held = await db.drizzle
          .select({ ruleCode: notificationSlots.ruleCode })
          .from(notificationSlots)
          .where(
            and(
              eq(notificationSlots.accountId, accountId),
              eq(notificationSlots.hourBucket, hourBucket),
              inArray(notificationSlots.ruleCode, ruleCodes),
              eq(notificationSlots.sourceId, sourceId),
            ),
          );
        return held.map((r) => r.ruleCode);
      }),
    pruneBefore: (hourBucket) =>
      guarded(async () => {
        await db.drizzle.delete(notificationSlots).where(lt(notificationSlots.hourBucket, hourBucket));
      }),
  };
}
