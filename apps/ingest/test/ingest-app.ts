import { parseApiKeys } from "@loginguard/auth";
import type { Bus } from "@loginguard/bus";
import { createApp } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import type { Hono } from "hono";
import type { IngestConfig } from "../src/env";
import { createIngestService, type IngestService } from "../src/service";

export const EU_KEY = "eu-key-0123456789abcdef";
export const NA_KEY = "na-key-0123456789abcdef";

export function testConfig(overrides: Partial<IngestConfig> = {}): IngestConfig {
  return {
    apiKeys: parseApiKeys(`eu-login:${EU_KEY},na-login:${NA_KEY}`),
    ratePerSecond: 5000,
    burstSeconds: 2,
    dedupeWindowMs: 600_000,
    dedupeMaxEntries: 1000,
    publishTimeoutMs: 2000,
    statusMaxAccounts: 1000,
    statusMaxFlaggedIps: 1000,
    statusGroup: `ingest-status-test-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}

/** The ingest routes mounted on a host app the way the platform mounts them. */
export function ingestApp(
  bus: Bus,
  overrides: Partial<IngestConfig> = {},
  now?: () => number,
): { app: Hono; service: IngestService } {
  const service = createIngestService({
    bus,
    config: testConfig(overrides),
    logger: silentLogger(),
    ...(now ? { now } : {}),
  });
  const app = createApp({ service: "ingest", logger: silentLogger() });
  app.route("/", service.routes!);
  return { app, service };
}

export function login(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: `evt-${Math.random().toString(36).slice(2)}`,
    accountId: "acc-1",
    occurredAt: new Date().toISOString(),
    ip: "81.2.69.160",
    result: "success",
    ...overrides,
  };
}

export function post(app: Hono, body: unknown, key = EU_KEY, headers: Record<string, string> = {}) {
  return app.request("/v1/logins", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
