import type { Database } from "@loginguard/db";
import { lt } from "drizzle-orm";
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
    claim: async (accountId, ruleCodes, hourBucket, sourceId) => {
      if (ruleCodes.length === 0) return [];
      // One statement: the slots taken now (RETURNING) plus those this source took before. The
      // CTE's insert is invisible to the outer SELECT, hence both halves.
      const { rows } = await db.sql.query<{ rule_code: string }>(
        `WITH wanted AS (SELECT jsonb_array_elements_text($2::jsonb) AS rule_code),
              taken AS (
                INSERT INTO responder.notification_slots (account_id, rule_code, hour_bucket, source_id)
                SELECT $1, rule_code, $3, $4 FROM wanted
                ON CONFLICT DO NOTHING
                RETURNING rule_code)
         SELECT rule_code FROM taken
         UNION
         SELECT s.rule_code FROM responder.notification_slots s JOIN wanted w USING (rule_code)
          WHERE s.account_id = $1 AND s.hour_bucket = $3 AND s.source_id = $4`,
        [accountId, JSON.stringify(ruleCodes), hourBucket, sourceId],
      );
      return rows.map((r) => r.rule_code).sort();
    },
    pruneBefore: (hourBucket) =>
      guarded(async () => {
        await db.drizzle.delete(notificationSlots).where(lt(notificationSlots.hourBucket, hourBucket));
      }),
  };
}
