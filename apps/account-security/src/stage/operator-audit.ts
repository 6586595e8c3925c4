import type { LoginGuardStageDefinition } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import { EVENT_TYPES, TOPICS } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import { SCHEMA } from "../state/migrations";

/** The consumer group that appends operators' changes to the audit trail. */
export const OPERATOR_AUDIT_STAGE = "account-security-audit";

/** The audit trail's `account_id` of changes to the pipeline itself rather than to an account. */
export const OPERATIONS_ACCOUNT = "(operations)";

/**
 * `operator.actions` -> the append-only audit trail (docs/ARCHITECTURE.md section 6: "run-time
 * changes to stages or rules" are audited like staff actions). Each event is appended once: its
 * id is in `details.eventId`, unique among the `operator.*` rows, so a redelivery adds nothing.
 */
export function operatorAuditStage(
  db: Database,
  logger: Logger,
): LoginGuardStageDefinition<typeof EVENT_TYPES.operatorAction> {
  return {
    name: OPERATOR_AUDIT_STAGE,
    input: TOPICS.operatorActions,
    accepts: [EVENT_TYPES.operatorAction],
    logger,
    async handle(event) {
      const a = event.data;
      await db.sql.query(
        `INSERT INTO ${SCHEMA}.audit
           (at, actor_kind, actor_id, actor_email, account_id, action, reason, client_ip, details)
         VALUES ($1, 'staff', $2, NULL, $3, $4, $5, NULL, $6::jsonb)
         ON CONFLICT ((details->>'eventId')) WHERE action LIKE 'operator.%' DO NOTHING`,
        [
          new Date(a.at),
          a.actor,
          OPERATIONS_ACCOUNT,
          `operator.${a.action}`,
          a.reason,
          JSON.stringify({ ...a.details, service: a.service, eventId: event.id }),
        ],
      );
      return undefined;
    },
  };
}
