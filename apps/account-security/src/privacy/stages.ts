import { erasureStage, type LoginGuardStageDefinition } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import { EVENT_TYPES, TOPICS } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import type { AuditLog } from "../state/audit-log";
import type { AccountPrivacy } from "./account-privacy";
import type { ErasureStore } from "./erasure-store";

/** account-security's own part of an erasure (`account.erased` → `erasure.completed`). */
export function accountSecurityErasureStage(
  privacy: AccountPrivacy,
  logger: Logger,
): LoginGuardStageDefinition<"loginguard.account.erased.v1"> {
  return erasureStage({
    service: "account-security",
    logger,
    erase: (accountId) => privacy.eraseOwn(accountId),
  });
}

/** `erasure.completed` → the service's confirmation recorded; the erasure done once all confirmed. */
export function erasureConfirmationStage(
  erasures: ErasureStore,
  logger: Logger,
): LoginGuardStageDefinition<"loginguard.erasure.completed.v1"> {
  return {
    name: "account-security-erasure-confirmations",
    input: TOPICS.erasureCompleted,
    accepts: [EVENT_TYPES.erasureCompleted],
    maxInFlight: 16,
    logger,
    async handle(event) {
      await erasures.confirm(event.data);
    },
  };
}

/**
 * `audit.recorded` → appended to the audit trail, deduplicated by event id: staff actions seen by
 * the portal, the logger and the responder join the same append-only trail (section 6).
 */
export function auditStage(
  db: Database,
  audit: AuditLog,
  logger: Logger,
): LoginGuardStageDefinition<"loginguard.audit.recorded.v1"> {
  return {
    name: "account-security-audit",
    input: TOPICS.auditRecorded,
    accepts: [EVENT_TYPES.auditRecorded],
    maxInFlight: 64,
    logger,
    async handle(event) {
      const d = event.data;
      await db.sql.transaction((tx) => audit.append(tx, { ...d, at: new Date(d.at) }, event.id));
    },
  };
}
