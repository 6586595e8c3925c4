import { erasureStage, type LoginGuardStageDefinition } from "@loginguard/bus";
import { type AccountTable, type Database, deleteAccountRows, selectAccountRows } from "@loginguard/db";
import type { AccountDataHolder } from "@loginguard/http";
import type { Logger } from "@loginguard/observability";

/** Every portal table with rows of a player account: the console overview's counts. */
export const PORTAL_ACCOUNT_TABLES: readonly AccountTable[] = [
  { table: "portal.decisions" },
  { table: "portal.locked_accounts" },
];

/** The portal's share of an export: the overview's decisions and lock of the account. */
export function portalPrivacy(db: Database): AccountDataHolder {
  return {
    service: "portal",
    exportAccount: (accountId) => selectAccountRows(db.sql, PORTAL_ACCOUNT_TABLES, accountId),
  };
}

/** `account.erased` → the overview's rows of the account deleted → `erasure.completed`. */
export function portalErasureStage(
  db: Database,
  logger: Logger,
): LoginGuardStageDefinition<"loginguard.account.erased.v1"> {
  return erasureStage({
    service: "portal",
    logger,
    erase: (accountId) => deleteAccountRows(db.sql, PORTAL_ACCOUNT_TABLES, accountId),
  });
}
