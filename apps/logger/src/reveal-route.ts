import type { AuthVariables } from "@loginguard/auth";
import type { AuditPublisher } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import { problems, readJson } from "@loginguard/http";
import type { Context, Hono } from "hono";
import { z } from "zod";

/** `POST /v1/accounts/{accountId}/logins/{eventId}/ip`: staff must say why. */
export const RevealBody = z
  .object({ reason: z.string().trim().min(1, "a reason is required").max(2000) })
  .strict();

export const REVEAL_IP_PATH = "/v1/accounts/:accountId/logins/:eventId/ip";

/** The socket hono's node server hands over as `c.env.incoming`. */
interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The full IP of one history line, for staff who give a reason (docs/ARCHITECTURE.md sections 6
 * and 9): the reveal is in the audit trail (who, whom, which login, why, when) before the answer,
 * and an event log that cannot take the audit record means no IP (503). The route's staff auth is
 * mounted by the caller.
 */
export function mountRevealRoute(routes: Hono, options: { db: Database; audit: AuditPublisher }): void {
  routes.post(REVEAL_IP_PATH, async (c: Context) => {
    const accountId = c.req.param("accountId") ?? "";
    const eventId = c.req.param("eventId") ?? "";
    if (accountId.length === 0 || accountId.length > 128 || eventId.length === 0 || eventId.length > 128) {
      throw problems.notFound("No such login");
    }
    const { reason } = await readJson(c, RevealBody);
    const { rows } = await options.db.sql.query<{ ip: string | null }>(
      "SELECT ip FROM logger.logins WHERE account_id = $1 AND event_id = $2",
      [accountId, eventId],
    );
    const row = rows[0];
    if (!row) throw problems.notFound("No such login");
    const who = (c.var as AuthVariables).staff;
    try {
      await options.audit({
        actor: { kind: "staff", id: who.id, email: who.email },
        accountId,
        action: "ip_revealed",
        reason,
        clientIp: (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? null,
        details: { loginEventId: eventId, role: who.role, via: who.via },
      });
    } catch (err) {
      throw problems.unavailable("The reveal cannot be audited now; try again", err);
    }
    c.header("cache-control", "no-store");
    return c.json({ eventId, ip: row.ip, retained: row.ip !== null });
  });
}
