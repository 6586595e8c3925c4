import { randomUUID } from "node:crypto";
import type { Bus } from "@loginguard/bus";
import { EVENT_TYPES, encodeEvent, type OperatorAction, TOPICS } from "@loginguard/events";

/** Records an operator's run-time change in the audit trail. */
export interface OperatorAudit {
  record(entry: {
    actor: string;
    action: OperatorAction["action"];
    reason?: string | null;
    details: Record<string, unknown>;
  }): Promise<void>;
}

/**
 * The audit of one service process: each change becomes an `operator.actions` event, which
 * account-security appends to its append-only audit trail (each service owns its data: no other
 * process writes that table). Resolves once the event is durably in the log, so a change the
 * admin API answers 200 for is audited.
 */
export function operatorAudit(bus: Bus, service: string): OperatorAudit {
  return {
    async record(entry) {
      const id = randomUUID();
      const data: OperatorAction = {
        at: new Date().toISOString(),
        actor: entry.actor,
        action: entry.action,
        reason: entry.reason ?? null,
        service,
        details: entry.details,
      };
      await bus.publish([
        {
          topic: TOPICS.operatorActions,
          ...encodeEvent({
            id,
            type: EVENT_TYPES.operatorAction,
            source: `loginguard/${service}`,
            time: data.at,
            subject: String(entry.details.stage ?? entry.action),
            correlationId: id,
            data,
          }),
        },
      ]);
    },
  };
}
