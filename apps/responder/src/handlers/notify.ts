import { type Channel, deriveEventId } from "@loginguard/events";
import { webhookId } from "../channels/webhook";
import type { RenderedMessage } from "../templates";
import type { Contact, DeliveryResult } from "../types";
import { type DeliveryLog, sentOrRejected, skipped } from "./delivery-log";
import type { ResponderDeps } from "./deps";

/** The fallback order when an event names none (docs/ARCHITECTURE.md section 7). */
export const DEFAULT_CHANNELS: readonly Channel[] = ["email", "sms", "in_game"];

export interface Notification {
  log: DeliveryLog;
  /** `notification` for decisions, the template name for requested messages. */
  kind: string;
  /** Channels in fallback order. */
  channels: readonly Channel[];
  contact: Contact | undefined;
  message: RenderedMessage;
  /** When the reported thing happened (webhook payload time). */
  occurredAt: string;
  /** Aborted when the stage stops. */
  signal?: AbortSignal;
  /** Extra fields of the in-game message webhook (session, game). */
  inGame?: Record<string, unknown>;
}

/**
 * Sends one message on the first channel that works: a missing address or a permanent rejection
 * moves on to the next channel; a provider that is down throws (retried, no fallback, so the
 * player gets the message on the channel they prefer once it is back). Answers one result per
 * channel tried. Already delivered (a redelivered event): the recorded results, nothing sent.
 */
export async function notifyWithFallback(deps: ResponderDeps, n: Notification): Promise<DeliveryResult[]> {
  const recorded = n.log.deliveredOf(n.kind);
  if (recorded) return recorded;
  const results: DeliveryResult[] = [];
  for (const channel of n.channels) {
    const result = await n.log.once(channel, n.kind, () => attemptOn(deps, channel, n));
    results.push(result);
    if (result.outcome === "delivered") break;
  }
  return results;
}

function attemptOn(deps: ResponderDeps, channel: Channel, n: Notification) {
  const { message, contact, log } = n;
  const key = deriveEventId("responder.message", log.sourceId, `${channel}:${n.kind}`);
  switch (channel) {
    case "email":
      if (!contact?.email) return Promise.resolve(skipped("no email address on file"));
      return sentOrRejected(() =>
        deps.email.send({
          key,
          accountId: log.accountId,
          to: contact.email!,
          lang: message.lang,
          subject: message.subject,
          text: message.text,
          html: message.html,
        }),
      );
    case "sms":
      if (!contact?.phone) return Promise.resolve(skipped("no phone number on file"));
      return sentOrRejected(() =>
        deps.sms.send({
          key,
          accountId: log.accountId,
          to: contact.phone!,
          lang: message.lang,
          body: message.sms,
        }),
      );
    case "in_game": {
      const inGame = message.inGame;
      if (!inGame) return Promise.resolve(skipped("this message is never sent in game"));
      const webhooks = deps.webhooks;
      if (!webhooks) return Promise.resolve(skipped("no game webhook configured"));
      return sentOrRejected(() =>
        webhooks.send(
          {
            id: webhookId(log.sourceId, "player.message"),
            type: "player.message",
            occurredAt: n.occurredAt,
            data: {
              accountId: log.accountId,
              ...n.inGame,
              language: message.lang,
              title: inGame.title,
              text: inGame.text,
            },
          },
          n.signal,
        ),
      );
    }
  }
}
