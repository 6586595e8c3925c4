import type { Logger } from "@loginguard/observability";
import type { EmailSender, SmsSender } from "../channels/types";
import type { GameWebhooks } from "../channels/webhook";
import type { ResponderStore } from "../store";

/** What the handlers work with; the service builds it from the configuration. */
export interface ResponderDeps {
  store: ResponderStore;
  email: EmailSender;
  sms: SmsSender;
  /** Null when no GAME_WEBHOOK_URL is configured: webhooks and in-game messages are skipped. */
  webhooks: GameWebhooks | null;
  brand: string;
  /** Portal base URL without a trailing slash. */
  publicUrl: string;
  /** Signs "was this you?" link tokens; null: links open the signed-in /me page. */
  answerLinks: { secret: string; ttlMs: number } | null;
  /** Decisions made longer ago than this (replays) are recorded as skipped, not carried out. */
  actionMaxAgeMs: number;
  logger: Logger;
  now?: () => number;
}
