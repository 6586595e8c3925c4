import type { LoginGuardEvent } from "@loginguard/events";
import { webhookId } from "../channels/webhook";
import type { DeliveryResult } from "../types";
import { DeliveryLog, sentOrRejected, skipped } from "./delivery-log";
import type { ResponderDeps } from "./deps";
import { assertSomethingDone } from "./outcome";

type AccountChangedEvent = LoginGuardEvent<"loginguard.account.changed.v1">;

/**
 * Tells game servers an account was unlocked (`account.unlocked` webhook), so a cached lock is
 * dropped. Locks, kicks and blocks come with decisions; other changes need no webhook. Who
 * unlocked is reduced to its kind (staff ids and reasons stay inside loginguard). Undefined
 * when the change needs nothing or is older than a change already seen.
 */
export async function announceAccountChange(
  deps: ResponderDeps,
  event: AccountChangedEvent,
  signal?: AbortSignal,
): Promise<DeliveryResult[] | undefined> {
  const change = event.data;
  // A change older than one already seen (a redelivery, a replay, the outbox path) is never acted
  // on: an old unlock must not tell game servers "unlocked" after a newer lock.
  if (!(await deps.store.accountVersions.advance(change.accountId, change.version ?? 0))) return undefined;
  if (change.change !== "unlocked") return undefined;
  const now = deps.now?.() ?? Date.now();
  const log = await DeliveryLog.open(deps.store.deliveries, event.id, change.accountId);
  const result = await log.once("webhook", "account.unlocked", async () => {
    const webhooks = deps.webhooks;
    if (!webhooks) return skipped("no game webhook configured");
    if (now - new Date(change.at).getTime() > deps.actionMaxAgeMs) {
      return skipped("not sent: the unlock is older than ACTION_MAX_AGE_HOURS");
    }
    return sentOrRejected(() =>
      webhooks.send(
        {
          id: webhookId(event.id, "account.unlocked"),
          type: "account.unlocked",
          occurredAt: change.at,
          data: {
            accountId: change.accountId,
            unlockedAt: change.at,
            by: change.by.kind,
            state: { locked: change.state.locked, blockedCountries: change.state.blockedCountries },
          },
        },
        signal,
      ),
    );
  });
  assertSomethingDone([result], `account change ${event.id}`);
  return [result];
}
