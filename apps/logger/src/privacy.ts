import { erasureStage, type LoginGuardStageDefinition } from "@loginguard/bus";
import { type AccountTable, type Database, deleteAccountRows, selectAccountRows } from "@loginguard/db";
import type { AccountDataHolder } from "@loginguard/http";
import type { Logger } from "@loginguard/observability";

/** Every logger table with rows of an account (docs/ARCHITECTURE.md section 9). */
export const LOGGER_ACCOUNT_TABLES: readonly AccountTable[] = [
  { table: "logger.logins" },
  { table: "logger.decisions" },
  { table: "logger.action_results" },
];

/** The logger's share of an export: the history with full IPs, decisions and delivery results. */
export function loggerPrivacy(db: Database): AccountDataHolder {
  return {
    service: "logger",
    exportAccount: (accountId) => selectAccountRows(db.sql, LOGGER_ACCOUNT_TABLES, accountId),
  };
}

/** `account.erased` → the account's history lines, decisions and results deleted → `erasure.completed`. */
export function loggerErasureStage(
  db: Database,
  logger: Logger,
): LoginGuardStageDefinition<"loginguard.account.erased.v1"> {
  return erasureStage({
    service: "logger",
    logger,
    erase: (accountId) => deleteAccountRows(db.sql, LOGGER_ACCOUNT_TABLES, accountId),
  });
}
