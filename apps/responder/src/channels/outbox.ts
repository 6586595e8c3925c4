import type { OutboxStore } from "../store";
import type { EmailSender, SmsSender } from "./types";

/** Email "sent" into the outbox table (no SMTP_URL): the support console shows it. */
export function outboxEmail(outbox: OutboxStore): EmailSender {
  return {
    kind: "outbox",
    async send(m) {
      await outbox.put({
        id: m.key,
        accountId: m.accountId,
        channel: "email",
        recipient: m.to,
        language: m.lang,
        subject: m.subject,
        text: m.text,
        html: m.html,
      });
      return { providerId: `outbox:${m.key}`, detail: "kept in the local outbox (SMTP_URL not set)" };
    },
    close: async () => {},
  };
}

/** SMS "sent" into the outbox table (Twilio not configured). */
export function outboxSms(outbox: OutboxStore): SmsSender {
  return {
    kind: "outbox",
    async send(m) {
      await outbox.put({
        id: m.key,
        accountId: m.accountId,
        channel: "sms",
        recipient: m.to,
        language: m.lang,
        subject: null,
        text: m.body,
        html: null,
      });
      return { providerId: `outbox:${m.key}`, detail: "kept in the local outbox (Twilio not configured)" };
    },
  };
}
