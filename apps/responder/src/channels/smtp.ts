import { type LoginGuardError, permanentError, retryableError } from "@loginguard/errors";
import nodemailer from "nodemailer";
import { parseConnectionUrl } from "nodemailer/lib/shared/index.js";
import type SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import { redactContacts } from "./redact";
import type { EmailSender } from "./types";

export interface SmtpOptions {
  /** `smtp://user:pass@host:port` or `smtps://...`. */
  url: string;
  /** `Name <address>`. */
  from: string;
  /** Milliseconds to connect, to get the greeting, and of socket silence. Default 10 000. */
  timeoutMs?: number;
}

/** Codes nodemailer gives a message the server refused for good (bad address, rejected content). */
const REJECTED = new Set(["EENVELOPE", "EMESSAGE"]);

/**
 * What an SMTP failure means for the stage: a 5xx reply about this message (unknown mailbox,
 * rejected content) is permanent and the next channel is tried; everything else (connection
 * refused, timeouts, 4xx "try later", authentication, TLS) is the provider or our setup being
 * wrong for now: retried, so nothing is lost.
 */
export function classifySmtpError(err: unknown): LoginGuardError {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const code = e.code ?? "unknown";
  const reply = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const context = { smtpCode: code, smtpReply: reply ?? null };
  const permanent = reply !== undefined ? reply >= 500 && code !== "EAUTH" : REJECTED.has(code);
  const message = `SMTP ${reply ?? code}: ${redactContacts(e.message ?? String(err))}`;
  return permanent
    ? permanentError(message, "email_rejected", context, err)
    : retryableError(message, "email_unavailable", context, err);
}

/** The domain part of `Name <user@domain>`, for Message-IDs. */
function senderDomain(from: string): string {
  const address = from.match(/<([^>]+)>/)?.[1] ?? from;
  return address.split("@")[1]?.trim() || "loginguard.invalid";
}

/**
 * Email through an SMTP server with nodemailer (pooled connections). The Message-ID is derived
 * from the message key, so a resend after a crash carries the same id and mail systems can
 * drop the duplicate.
 */
export function smtpEmail(options: SmtpOptions): EmailSender {
  const timeout = options.timeoutMs ?? 10_000;
  // What the URL says (host, port, auth, `?` options) plus pooling and bounded waits.
  const poolOptions: SMTPPool.Options = {
    ...parseConnectionUrl(options.url),
    pool: true,
    maxConnections: 2,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 3,
  };
  const transport = nodemailer.createTransport(poolOptions, { from: options.from });
  const domain = senderDomain(options.from);
  return {
    kind: "smtp",
    async send(m) {
      try {
        const info = await transport.sendMail({
          to: m.to,
          subject: m.subject,
          text: m.text,
          html: m.html,
          messageId: `<${m.key}@${domain}>`,
          headers: { "Auto-Submitted": "auto-generated", "Content-Language": m.lang },
        });
        const rejected = (info.rejected ?? []).length;
        if (rejected > 0) throw Object.assign(new Error("recipient rejected"), { code: "EENVELOPE" });
        return { providerId: info.messageId, detail: info.response ?? null };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    async close() {
      transport.close();
    },
  };
}
