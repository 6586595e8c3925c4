import { erasureStage, type LoginGuardStageDefinition } from "@loginguard/bus";
import { type AccountTable, type Database, deleteAccountRows, selectAccountRows } from "@loginguard/db";
import type { AccountDataHolder } from "@loginguard/http";
import type { Logger } from "@loginguard/observability";

/** Every responder table with rows of an account (docs/ARCHITECTURE.md section 9). */
export const RESPONDER_ACCOUNT_TABLES: readonly AccountTable[] = [
  { table: "responder.contacts" },
  { table: "responder.deliveries" },
  { table: "responder.notification_slots" },
  { table: "responder.outbox" },
];

/** The responder's share of an export: contacts, notifications and their delivery log, the outbox. */
export function responderPrivacy(db: Database): AccountDataHolder {
  return {
    service: "responder",
    exportAccount: (accountId) => selectAccountRows(db.sql, RESPONDER_ACCOUNT_TABLES, accountId),
  };
}

/** `account.erased` → contacts, delivery log, slots and outbox deleted → `erasure.completed`. */
export function responderErasureStage(
  db: Database,
  logger: Logger,
): LoginGuardStageDefinition<"loginguard.account.erased.v1"> {
  return erasureStage({
    service: "responder",
    logger,
    erase: (accountId) => deleteAccountRows(db.sql, RESPONDER_ACCOUNT_TABLES, accountId),
  });
}
