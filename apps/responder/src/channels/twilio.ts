import { type LoginGuardError, permanentError, retryableError } from "@loginguard/errors";
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import type { TwilioConfig } from "../env";
import { redactContacts } from "./redact";
import type { SmsSender } from "./types";

const TWILIO_ORIGIN = /^https:\/\/[a-z0-9.-]*twilio\.com(?=\/|$)/i;

/**
 * A twilio `RequestClient` that sends every request to `baseUrl` instead of `https://*.twilio.com`:
 * the real SDK (form encoding, Basic auth, error parsing) against a Twilio-compatible endpoint,
 * such as a loopback test server.
 */
export class BaseUrlRequestClient extends twilio.RequestClient {
  readonly #baseUrl: string;

  constructor(baseUrl: string, options?: ConstructorParameters<typeof twilio.RequestClient>[0]) {
    super(options);
    this.#baseUrl = baseUrl.replace(/\/+$/, "");
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: opts.uri.replace(TWILIO_ORIGIN, this.#baseUrl) });
  }
}

/**
 * What a Twilio failure means: 429 and 5xx are Twilio being busy or down, 401 our credentials
 * (an operator fixes them): retried, nothing lost. Other 4xx reject this message for good (e.g.
 * 21211 invalid number): the next channel is tried. No HTTP status at all: the network, retried.
 */
export function classifyTwilioError(err: unknown): LoginGuardError {
  const e = err as { status?: unknown; code?: unknown; message?: string };
  const status = typeof e.status === "number" ? e.status : undefined;
  const context = { httpStatus: status ?? null, twilioCode: e.code ?? null };
  const message = `Twilio ${status ?? e.code ?? "error"}: ${redactContacts(e.message ?? String(err))}`;
  if (status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 429) {
    return permanentError(message, "sms_rejected", context, err);
  }
  return retryableError(message, "sms_unavailable", context, err);
}

export interface TwilioSmsOptions {
  /** Replaces the SDK's HTTP client (tests, proxies). Default: {@link BaseUrlRequestClient} when `apiBaseUrl` is set. */
  httpClient?: twilio.RequestClient;
  /** Milliseconds per request. Default 10 000. */
  timeoutMs?: number;
}

/** SMS through the Twilio Messages API with the official SDK. */
export function twilioSms(config: TwilioConfig, options: TwilioSmsOptions = {}): SmsSender {
  const timeout = options.timeoutMs ?? 10_000;
  const httpClient =
    options.httpClient ??
    (config.apiBaseUrl
      ? new BaseUrlRequestClient(config.apiBaseUrl, { timeout })
      : new twilio.RequestClient({ timeout, keepAlive: true }));
  const client = twilio(config.accountSid, config.authToken, { httpClient, autoRetry: false });
  const sender = config.from.startsWith("MG") ? { messagingServiceSid: config.from } : { from: config.from };
  return {
    kind: "twilio",
    async send(m) {
      try {
        const message = await client.messages.create({ to: m.to, body: m.body, ...sender });
        return { providerId: message.sid, detail: message.status ?? null };
      } catch (err) {
        throw classifyTwilioError(err);
      }
    },
  };
}
