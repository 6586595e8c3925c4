import type { Channel, LoginGuardEvent } from "@loginguard/events";
import { expiryOf, renderRequested } from "../templates";
import type { DeliveryResult } from "../types";
import { DeliveryLog, skipped } from "./delivery-log";
import type { ResponderDeps } from "./deps";
import { DEFAULT_CHANNELS, notifyWithFallback } from "./notify";
import { assertSomethingDone } from "./outcome";

type RequestedEvent = LoginGuardEvent<"loginguard.notification.requested.v1">;

/**
 * Sends a message that is not about a decision (unlock code, "you were unlocked", "locked as you
 * asked") on the channel the request names, or in fallback order. Unlock codes are never sent in
 * game (the live session may be the intruder's) and not after they expired. Recorded in the
 * deliveries table (the console shows it); nothing is published: `action.completed` reports
 * decisions only. Throws like `carryOutDecision`.
 */
export async function sendRequested(
  deps: ResponderDeps,
  event: RequestedEvent,
  signal?: AbortSignal,
): Promise<DeliveryResult[]> {
  const request = event.data;
  const kind = request.template;
  const log = await DeliveryLog.open(deps.store.deliveries, event.id, request.accountId);
  const recorded = log.deliveredOf(kind);
  if (recorded) return recorded;

  const secret = kind === "unlock_code";
  const wanted: readonly Channel[] = request.channel ? [request.channel] : DEFAULT_CHANNELS;
  const channels = secret && !request.channel ? wanted.filter((c) => c !== "in_game") : wanted;
  const expiry = expiryOf(request);
  const now = deps.now?.() ?? Date.now();
  if (expiry && expiry.getTime() <= now) {
    return [
      await log.once(channels[0] ?? "email", kind, async () => skipped("expired before it could be sent")),
    ];
  }

  const contact = await deps.store.contacts.get(request.accountId);
  const message = renderRequested(request, {
    lang: contact?.language ?? "en",
    brand: deps.brand,
    publicUrl: deps.publicUrl,
  });
  const results = await notifyWithFallback(deps, {
    log,
    kind,
    channels,
    contact,
    message,
    occurredAt: request.requestedAt,
    signal,
  });
  if (!results.some((r) => r.outcome === "delivered")) {
    deps.logger.warn(
      {
        accountId: request.accountId,
        template: kind,
        outcomes: results.map((r) => `${r.channel}:${r.outcome}`),
      },
      "requested notification not delivered",
    );
  }
  assertSomethingDone(results, `notification ${event.id}`);
  return results;
}
