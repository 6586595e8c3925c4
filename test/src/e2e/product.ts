import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type StartedLoginguard, startLoginguard } from "@loginguard/cli";
import { startSmtpServer, type TestSmtpServer } from "@loginguard/testing/smtp";
import { startTwilioApi, type TwilioApi } from "@loginguard/testing/twilio";
import { startWebhookReceiver, type WebhookReceiver } from "@loginguard/testing/webhooks";
import { afterAll, beforeAll } from "vitest";

/** What every product under test is wired to: a real SMTP server, Twilio stand-in, webhook receiver. */
export interface Receivers {
  smtp: TestSmtpServer;
  twilio: TwilioApi;
  webhooks: WebhookReceiver;
  webhookSecret: string;
  close(): Promise<void>;
}

export async function startReceivers(): Promise<Receivers> {
  const webhookSecret = `whsec_${randomBytes(24).toString("base64")}`;
  const [smtp, twilio, webhooks] = await Promise.all([
    startSmtpServer(),
    startTwilioApi(),
    startWebhookReceiver(webhookSecret),
  ]);
  return {
    smtp,
    twilio,
    webhooks,
    webhookSecret,
    async close() {
      await Promise.all([smtp.close(), twilio.close(), webhooks.close()]);
    },
  };
}

/** Keys and secrets the tests set, so they can act as game server, player and staff. */
export const KEYS = {
  ingest: `lg_ingest_e2e_${"k".repeat(24)}`,
  admin: `lg_admin_e2e_${"a".repeat(24)}`,
  playerSecret: "p".repeat(40),
  staffSecret: "s".repeat(40),
};

/** The environment of a product under test (add KAFKA_BROKERS + DATABASE_URL for distributed). */
export function productEnv(
  receivers: Receivers,
  dataDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "warn",
    INGEST_API_KEYS: `e2e:${KEYS.ingest}`,
    ADMIN_API_KEYS: `e2e:${KEYS.admin}`,
    PLAYER_TOKEN_SECRET: KEYS.playerSecret,
    STAFF_SESSION_SECRET: KEYS.staffSecret,
    SMTP_URL: receivers.smtp.url,
    TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
    TWILIO_AUTH_TOKEN: "t".repeat(32),
    TWILIO_FROM: "+15005550006",
    TWILIO_API_BASE_URL: receivers.twilio.url,
    GAME_WEBHOOK_URL: `${receivers.webhooks.url}/webhooks`,
    GAME_WEBHOOK_SECRET: receivers.webhookSecret,
    KAFKA_SESSION_TIMEOUT_MS: "6000",
    KAFKA_HEARTBEAT_INTERVAL_MS: "500",
    ...extra,
  };
}

export interface RunningProduct {
  url: string;
  api: ProductApi;
  started: StartedLoginguard;
  stop(): Promise<void>;
}

/** Starts the whole product in this process on `env`. */
export async function startProduct(env: Record<string, string>): Promise<RunningProduct> {
  const started = await startLoginguard(env);
  return { url: started.url, api: new ProductApi(started.url), started, stop: () => started.stop() };
}

export function tempDataDir(label: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `loginguard-e2e-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A login as a game server reports it. */
export interface Login {
  eventId?: string;
  accountId: string;
  occurredAt: string;
  ip: string;
  result: "success" | "failure";
  sessionId?: string;
  userAgent?: string;
  deviceId?: string;
}

/** A JSON answer as the tests read it. */
// biome-ignore lint/suspicious/noExplicitAny: assertions walk arbitrary JSON answers
type Json = any;

/** The HTTP API as game servers and staff use it (ingest and admin keys). */
export class ProductApi {
  constructor(readonly url: string) {}

  async #call(
    method: string,
    path: string,
    key: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  postLogins(logins: Login[] | Login) {
    return this.#call("POST", "/v1/logins", KEYS.ingest, Array.isArray(logins) ? { events: logins } : logins);
  }
  setContact(accountId: string, contact: { email?: string; phone?: string; language?: "ko" | "en" }) {
    return this.#call("PUT", `/v1/accounts/${encodeURIComponent(accountId)}/contact`, KEYS.ingest, contact);
  }
  status(accountId: string, ip?: string) {
    const q = ip ? `?ip=${encodeURIComponent(ip)}` : "";
    return this.#call("GET", `/v1/accounts/${encodeURIComponent(accountId)}/status${q}`, KEYS.ingest);
  }
  history(accountId: string) {
    return this.#call("GET", `/v1/accounts/${encodeURIComponent(accountId)}/logins?limit=100`, KEYS.admin);
  }
  unlock(accountId: string, reason: string) {
    return this.#call("POST", `/v1/accounts/${encodeURIComponent(accountId)}/unlock`, KEYS.admin, { reason });
  }
  overview() {
    return this.#call("GET", "/v1/overview", KEYS.admin);
  }
  /** Any staff API with the admin key. */
  admin(method: string, path: string, body?: unknown) {
    return this.#call(method, path, KEYS.admin, body);
  }
  audit(accountId: string) {
    return this.#call("GET", `/v1/audit?accountId=${encodeURIComponent(accountId)}`, KEYS.admin);
  }
}

/** Waits until `check` returns a truthy value, polling; the error says what was awaited. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** ISO time `minutes` after a fixed base. */
export function at(minutes: number, base = Date.now() - 3 * 3600_000): string {
  return new Date(base + minutes * 60_000).toISOString();
}

/** An embedded product and its receivers for one test file (see {@link useEmbeddedProduct}). */
export interface EmbeddedProductFixture {
  readonly product: RunningProduct;
  readonly receivers: Receivers;
  /** Stops the product and starts it again on the same data directory (a restart). */
  restart(): Promise<RunningProduct>;
}

/**
 * Starts an embedded product wired to real receivers before the file's tests and removes it
 * after; `label` names its temporary data directory.
 */
export function useEmbeddedProduct(label: string): EmbeddedProductFixture {
  let receivers: Receivers | undefined;
  let data: ReturnType<typeof tempDataDir> | undefined;
  let product: RunningProduct | undefined;
  beforeAll(async () => {
    receivers = await startReceivers();
    data = tempDataDir(label);
    product = await startProduct(productEnv(receivers, data.dir));
  });
  afterAll(async () => {
    await product?.stop();
    await receivers?.close();
    data?.remove();
  });
  return {
    get product() {
      if (!product) throw new Error("the product is not started");
      return product;
    },
    get receivers() {
      if (!receivers) throw new Error("the receivers are not started");
      return receivers;
    },
    async restart() {
      if (!product || !receivers || !data) throw new Error("the product is not started");
      await product.stop();
      product = await startProduct(productEnv(receivers, data.dir));
      return product;
    },
  };
}
