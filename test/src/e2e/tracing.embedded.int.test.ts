import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configureTracing, shutdownTracing } from "@loginguard/observability";
import { type HttpRecorder, startHttpRecorder } from "@loginguard/testing/http-recorder";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  at,
  eventually,
  productEnv,
  type Receivers,
  type RunningProduct,
  startProduct,
  startReceivers,
  tempDataDir,
} from "./product";

describe("tracing: one login is one trace (embedded, the SDK's in-memory exporter)", () => {
  const exporter = new InMemorySpanExporter();
  let receivers: Receivers;
  let endpoint: HttpRecorder;
  let routesDir: string;
  let data: { dir: string; remove(): void };
  let product: RunningProduct;

  beforeAll(async () => {
    configureTracing({ exporter });
    receivers = await startReceivers();
    endpoint = await startHttpRecorder(() => ({ status: 204 }));
    routesDir = mkdtempSync(join(tmpdir(), "loginguard-e2e-trace-routes-"));
    writeFileSync(
      join(routesDir, "trace-sink.json"),
      JSON.stringify({
        name: "trace-sink",
        input: "login.attempted",
        endpoint: `${endpoint.url}/logins`,
        mode: "sink",
        concurrency: 2,
        timeoutMs: 5000,
        retry: { initialMs: 50, maxMs: 200 },
      }),
    );
    data = tempDataDir("tracing");
    product = await startProduct(productEnv(receivers, data.dir, { RELAY_ROUTES_DIR: routesDir }));
  });
  afterAll(async () => {
    await product?.stop();
    await receivers?.close();
    await endpoint?.close();
    await shutdownTracing();
    data?.remove();
    if (routesDir) rmSync(routesDir, { recursive: true, force: true });
  });

  it("ingest, every stage and the relay's HTTP call share the login's trace, each span parented by the stage before", async () => {
    const account = `trace-${Date.now().toString(36)}`;
    const travel = `${account}-br`;
    expect((await product.api.setContact(account, { email: `${account}@example.test` })).status).toBe(200);
    const accepted = await product.api.postLogins([
      {
        eventId: `${account}-kr1`,
        accountId: account,
        occurredAt: at(0),
        ip: "175.223.10.4",
        result: "success",
      },
      {
        eventId: `${account}-kr2`,
        accountId: account,
        occurredAt: at(5),
        ip: "175.223.10.4",
        result: "success",
      },
      { eventId: travel, accountId: account, occurredAt: at(15), ip: "177.67.80.1", result: "success" },
    ]);
    expect(accepted.status).toBe(202);

    const of = (name: string) =>
      exporter
        .getFinishedSpans()
        .find(
          (s) =>
            s.name === name &&
            (s.attributes["loginguard.login_id"] ?? s.attributes["loginguard.correlation_id"]) === travel,
        );
    const spans = await eventually("spans of ingest and every stage down to the responder", async () => {
      const found = ["ingest", "ip-checker", "logger", "account-security", "responder"].map(of);
      return found.every(Boolean) ? (found as ReadableSpan[]) : undefined;
    });
    const [ingest, ipChecker, logger, accountSecurity, responder] = spans as [
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
      ReadableSpan,
    ];
    const traceId = ingest.spanContext().traceId;
    for (const s of spans) expect(s.spanContext().traceId, s.name).toBe(traceId);
    expect(ingest.parentSpanContext).toBeUndefined();
    const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
    expect(parentOf(ipChecker)).toBe(ingest.spanContext().spanId);
    expect(parentOf(logger)).toBe(ipChecker.spanContext().spanId);
    expect(parentOf(accountSecurity)).toBe(logger.spanContext().spanId);
    expect(parentOf(responder)).toBe(accountSecurity.spanContext().spanId);

    // The relay's HTTP call carries the trace on: ce-traceparent and traceparent, its span as parent.
    const relaySpan = await eventually("the relay route's span", async () => of("relay-trace-sink"));
    expect(relaySpan.spanContext().traceId).toBe(traceId);
    expect(parentOf(relaySpan)).toBe(ingest.spanContext().spanId);
    const request = await eventually("the relay's request for the login", async () =>
      endpoint.requests.find((r) => r.headers["ce-id"] === travel),
    );
    const expected = `00-${traceId}-${relaySpan.spanContext().spanId}-01`;
    expect(request.headers["ce-traceparent"]).toBe(expected);
    expect(request.headers.traceparent).toBe(expected);

    // Another login is another trace.
    const first = exporter
      .getFinishedSpans()
      .find((s) => s.name === "ingest" && s.attributes["loginguard.login_id"] === `${account}-kr1`);
    expect(first?.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(first?.spanContext().traceId).not.toBe(traceId);
  });
});
