import type { Database } from "@loginguard/db";
import { and, asc, desc, eq, inArray, lt, or } from "drizzle-orm";
import type { HistoryCursor } from "./cursor";
import {
  type ActionResultRow,
  actionResults,
  type DecisionRow,
  decisions,
  type LoginRow,
  logins,
} from "./tables";

/** One history line with what was decided and done about it. */
export interface HistoryLine {
  login: LoginRow;
  /** In the order they were decided. */
  decisions: DecisionRow[];
  /** In the order they were completed. */
  results: ActionResultRow[];
}

export interface HistoryPage {
  lines: HistoryLine[];
  /** Where the next page starts; null on the last page. */
  next: HistoryCursor | null;
}

/**
 * A page of an account's history, newest occurredAt first (then highest eventId), after `cursor`.
 * Three queries whatever the page size: the lines, then their decisions and results by login id
 * (only those filed under this same account).
 */
export async function readHistory(
  db: Database,
  accountId: string,
  page: { limit: number; cursor?: HistoryCursor | null },
): Promise<HistoryPage> {
  const after = page.cursor
    ? or(
        lt(logins.occurredAt, new Date(page.cursor.occurredAt)),
        and(eq(logins.occurredAt, new Date(page.cursor.occurredAt)), lt(logins.eventId, page.cursor.eventId)),
      )
    : undefined;
  const rows = await db.drizzle
    .select()
    .from(logins)
    .where(and(eq(logins.accountId, accountId), after))
    .orderBy(desc(logins.occurredAt), desc(logins.eventId))
    .limit(page.limit + 1);
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  const next =
    rows.length > page.limit && last
      ? { occurredAt: last.occurredAt.getTime(), eventId: last.eventId }
      : null;
  if (shown.length === 0) return { lines: [], next };

  const ids = shown.map((r) => r.eventId);
  const [decisionRows, resultRows] = await Promise.all([
    db.drizzle
      .select()
      .from(decisions)
      .where(and(eq(decisions.accountId, accountId), inArray(decisions.loginEventId, ids)))
      .orderBy(asc(decisions.decidedAt), asc(decisions.decisionId)),
    db.drizzle
      .select()
      .from(actionResults)
      .where(and(eq(actionResults.accountId, accountId), inArray(actionResults.loginEventId, ids)))
      .orderBy(asc(actionResults.completedAt), asc(actionResults.completionId)),
  ]);
  return {
    lines: shown.map((login) => ({
      login,
      decisions: decisionRows.filter((d) => d.loginEventId === login.eventId),
      results: resultRows.filter((r) => r.loginEventId === login.eventId),
    })),
    next,
  };
}
