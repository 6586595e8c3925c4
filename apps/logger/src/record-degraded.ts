import type { Emit } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import type { EVENT_TYPES, LoginGuardEvent } from "@loginguard/events";
import type { Logger } from "@loginguard/observability";
import { type ContextWindows, computeHistoryContexts } from "./history-context";
import { loginRowOf } from "./login-row";
import { recordLogins } from "./record-logins";
import { recordedEmit } from "./record-stage";

type LoginLocatedEvent = LoginGuardEvent<typeof EVENT_TYPES.loginLocated>;

/**
 * The logger's fallback for a login its storage refused for good (issue 9 point 1: a login never
 * leaves the security path before its decision). First the line is stored without its free text
 * (user agent, device id, failure reason: what a client controls); when even that is refused, the
 * login goes on unrecorded with the context the stored lines give. Either way `history.degraded`
 * says so and account-security puts it in the decision's evidence. Throws (the login is then
 * dead-lettered as stuck) only when the history cannot even be read.
 */
export async function recordDegraded(
  db: Database,
  windows: ContextWindows,
  event: LoginLocatedEvent,
  logger?: Logger,
): Promise<Emit> {
  const row = { ...loginRowOf(event), userAgent: null, deviceId: null, failureReason: null };
  try {
    const [recorded] = await recordLogins(db.sql, [row], windows);
    const emit = recordedEmit(event, recorded!);
    return withDegraded(emit, "free_text_dropped");
  } catch (err) {
    logger?.error({ err: (err as Error).message, ceId: event.id }, "login refused even without free text");
  }
  const [history] = await computeHistoryContexts(db.sql, [row], windows);
  const emit = recordedEmit(event, { history: history!, recordedAt: new Date(), inserted: false });
  return withDegraded(emit, "not_recorded");
}

function withDegraded(emit: Emit, degraded: "free_text_dropped" | "not_recorded"): Emit {
  const data = emit.event.data as { history: object };
  return { ...emit, event: { ...emit.event, data: { ...data, history: { ...data.history, degraded } } } };
}
