import { createHmac } from "node:crypto";
import { type LoginGuardError, permanentError, retryableError } from "@loginguard/errors";
import { deriveEventId } from "@loginguard/events";
import type { WebhookConfig } from "../env";
import type { Sent } from "./types";

/** The webhook types game servers receive (docs/ARCHITECTURE.md section 6). */
export const WEBHOOK_TYPES = [
  "player.kick",
  "player.message",
  "account.locked",
  "account.unlocked",
  "country.blocked",
] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

/** One webhook to send. */
export interface Webhook {
  /** `webhook-id`: the same for every attempt at the same message, so receivers drop repeats. */
  id: string;
  type: WebhookType;
  /** When what the webhook reports happened (payload `timestamp`). */
  occurredAt: string;
  data: Record<string, unknown>;
}

/** The webhook-id of the webhook of `type` caused by input event `sourceId`. */
export function webhookId(sourceId: string, type: WebhookType): string {
  return `msg_${deriveEventId("responder.webhook", sourceId, type).replaceAll("-", "")}`;
}

/**
 * Standard Webhooks signature: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the
 * bytes of the base64 part of a `whsec_` secret.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/** Sends signed webhooks to the game servers. */
export interface GameWebhooks {
  send(webhook: Webhook, signal?: AbortSignal): Promise<Sent>;
}

/**
 * What a webhook answer means: 2xx delivered; 408, 429, 5xx, a timeout or no connection: the
 * game server is busy or down, retried with backoff; anything else (4xx, a redirect): rejected.
 */
export function classifyWebhookStatus(status: number, id: string): LoginGuardError | undefined {
  if (status >= 200 && status < 300) return undefined;
  const context = { httpStatus: status, webhookId: id };
  if (status === 408 || status === 429 || status >= 500) {
    return retryableError(`game webhook answered ${status}`, "webhook_unavailable", context);
  }
  return permanentError(`game webhook answered ${status}`, "webhook_rejected", context);
}

/** Webhooks over HTTP POST, signed per Standard Webhooks, with a timeout per attempt. */
export function gameWebhooks(config: WebhookConfig, now: () => number = Date.now): GameWebhooks {
  return {
    async send(webhook, signal) {
      const body = JSON.stringify({ type: webhook.type, timestamp: webhook.occurredAt, data: webhook.data });
      // A fresh timestamp per attempt: receivers reject old ones (replay protection).
      const timestamp = Math.floor(now() / 1000);
      const timeout = AbortSignal.timeout(config.timeoutMs);
      let response: Response;
      try {
        response = await fetch(config.url, {
          method: "POST",
          body,
          redirect: "manual",
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          headers: {
            "content-type": "application/json",
            "user-agent": "loginguard-responder",
            "webhook-id": webhook.id,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signWebhook(config.secret, webhook.id, timestamp, body),
          },
        });
      } catch (err) {
        if (signal?.aborted) throw err;
        const reason = timeout.aborted ? `timed out after ${config.timeoutMs} ms` : describeFetchError(err);
        throw retryableError(
          `game webhook unreachable: ${reason}`,
          "webhook_unavailable",
          { webhookId: webhook.id },
          err,
        );
      }
      // Free the connection; the receiver's body is not used.
      await response.body?.cancel().catch(() => {});
      const failure = classifyWebhookStatus(response.status, webhook.id);
      if (failure) throw failure;
      return { providerId: webhook.id, detail: `HTTP ${response.status}` };
    },
  };
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}
