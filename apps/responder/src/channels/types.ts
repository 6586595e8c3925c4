/** An email to one player; `key` is stable per (event, channel, kind) so resends can be recognised. */
export interface EmailMessage {
  key: string;
  accountId: string;
  to: string;
  lang: string;
  subject: string;
  text: string;
  html: string;
}

/** A text message to one player, E.164 number. */
export interface SmsMessage {
  key: string;
  accountId: string;
  to: string;
  lang: string;
  body: string;
}

/** What a provider accepted. */
export interface Sent {
  /** The provider's id (SMTP message id, Twilio SID, webhook-id, `outbox:<id>`). */
  providerId: string;
  detail: string | null;
}

/**
 * Sends email. Throws a retryable `LoginGuardError` when the provider is down (the stage retries
 * with backoff) and a permanent one when it rejects this message (the next channel is tried).
 */
export interface EmailSender {
  readonly kind: "smtp" | "outbox";
  send(message: EmailMessage): Promise<Sent>;
  close(): Promise<void>;
}

/** Sends SMS; errors as for {@link EmailSender}. */
export interface SmsSender {
  readonly kind: "twilio" | "outbox";
  send(message: SmsMessage): Promise<Sent>;
}
