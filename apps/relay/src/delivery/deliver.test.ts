import type { CloudEvent } from "@loginguard/events";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closedPort, startEndpoint, type TestEndpoint } from "../../test/http-endpoint";
import type { Route } from "../routes/route";
import { deliver, ERROR_BODY_CHARS, MAX_ANSWER_BYTES } from "./deliver";

const event: CloudEvent = {
  id: "evt-1",
  type: "loginguard.login.attempted.v1",
  source: "loginguard/ingest",
  time: "2026-01-01T00:00:00.000Z",
  subject: "acc-1",
  correlationId: "corr-1",
  data: { accountId: "acc-1", result: "success" },
};

let endpoint: TestEndpoint;
const route = (over: Partial<Route> = {}): Route => ({
  name: "t",
  input: "in",
  endpoint: `${endpoint.url}/hook`,
  mode: "stream",
  output: "out",
  concurrency: 1,
  timeoutMs: 2000,
  retry: { initialMs: 10, maxMs: 100 },
  ...over,
});
const signal = new AbortController().signal;

async function failure(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; retryable?: boolean; context?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

beforeAll(async () => {
  endpoint = await startEndpoint(() => ({ status: 204 }));
});
afterAll(() => endpoint.close());
beforeEach(() => {
  endpoint.requests.length = 0;
});

describe("deliver", () => {
  it("POSTs the event in CloudEvents binary mode and returns the answer to publish", async () => {
    endpoint.respond = () => ({ status: 200, headers: { "ce-type": "x.answered" }, body: { ok: true } });
    const answer = await deliver(route({ headers: { "x-team": "campaigns" } }), event, {
      signal,
      token: "t0ken",
    });
    expect(answer).toEqual({ type: "x.answered", data: { ok: true } });
    const [request] = endpoint.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/hook");
    expect(request?.json).toEqual(event.data);
    expect(request?.headers).toMatchObject({
      "ce-specversion": "1.0",
      "ce-id": "evt-1",
      "ce-source": "loginguard/ingest",
      "ce-type": "loginguard.login.attempted.v1",
      "ce-time": "2026-01-01T00:00:00.000Z",
      "ce-subject": "acc-1",
      "ce-correlationid": "corr-1",
      "content-type": "application/json",
      "idempotency-key": "evt-1",
      authorization: "Bearer t0ken",
      "x-team": "campaigns",
      "user-agent": "loginguard-relay",
    });
  });

  it("has nothing to publish for 204, an empty 2xx, or any 2xx in sink mode", async () => {
    endpoint.respond = () => ({ status: 204 });
    expect(await deliver(route(), event, { signal })).toBeUndefined();
    endpoint.respond = () => ({ status: 202 });
    expect(await deliver(route(), event, { signal })).toBeUndefined();
    endpoint.respond = () => ({ status: 200, headers: { "ce-type": "x" }, body: { a: 1 } });
    expect(await deliver(route({ mode: "sink", output: undefined }), event, { signal })).toBeUndefined();
  });

  it("makes 5xx, 408 and 429 retryable and keeps the status", async () => {
    for (const status of [500, 503, 408, 429]) {
      endpoint.respond = () => ({ status, body: "busy" });
      const err = await failure(deliver(route(), event, { signal }));
      expect(err).toMatchObject({ code: "endpoint_unavailable", retryable: true, context: { status } });
      expect(err.message).toContain(`answered ${status}: busy`);
    }
  });

  it("makes other 4xx and redirects permanent, with the start of the body in the message", async () => {
    endpoint.respond = () => ({ status: 400, body: { error: "accountId is not ours" } });
    const err = await failure(deliver(route(), event, { signal }));
    expect(err).toMatchObject({ code: "endpoint_rejected", retryable: false, context: { status: 400 } });
    expect(err.message).toContain('answered 400: {"error":"accountId is not ours"}');

    endpoint.respond = () => ({ status: 422, body: "x".repeat(5000) });
    const long = await failure(deliver(route(), event, { signal }));
    expect(long.message.length).toBeLessThan(ERROR_BODY_CHARS + 200);
    expect(long.message.endsWith("…")).toBe(true);

    endpoint.respond = () => ({ status: 302, headers: { location: "http://example.invalid/" } });
    expect(await failure(deliver(route(), event, { signal }))).toMatchObject({
      retryable: false,
      context: { status: 302 },
    });
  });

  it("makes a 2xx answer that is not a publishable event permanent", async () => {
    endpoint.respond = () => ({ status: 200, body: { no: "type" } });
    expect(await failure(deliver(route(), event, { signal }))).toMatchObject({
      code: "endpoint_bad_answer",
      retryable: false,
    });
    endpoint.respond = () => ({
      status: 200,
      headers: { "ce-type": "x" },
      body: `"${"y".repeat(MAX_ANSWER_BYTES)}"`,
    });
    const big = await failure(deliver(route(), event, { signal }));
    expect(big).toMatchObject({ code: "endpoint_bad_answer", retryable: false });
    expect(big.message).toContain("over 1048576 bytes");
  });

  it("aborts a request slower than timeoutMs as retryable", async () => {
    endpoint.respond = () => ({ status: 204, delayMs: 1000 });
    const started = Date.now();
    const err = await failure(deliver(route({ timeoutMs: 150 }), event, { signal }));
    expect(err).toMatchObject({ code: "endpoint_timeout", retryable: true });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("makes a refused connection retryable", async () => {
    const port = await closedPort();
    const err = await failure(deliver(route({ endpoint: `http://127.0.0.1:${port}/x` }), event, { signal }));
    expect(err).toMatchObject({ code: "endpoint_unavailable", retryable: true });
    expect(err.message).toContain("ECONNREFUSED");
  });

  it("gives up at once, without a classified error, when the stage stops", async () => {
    endpoint.respond = () => ({ status: 204, delayMs: 1000 });
    const stopping = new AbortController();
    const pending = failure(deliver(route(), event, { signal: stopping.signal }));
    setTimeout(() => stopping.abort(new Error("stage stopping")), 50);
    const err = await pending;
    expect(err.message).toBe("stage stopping");
    expect(err.retryable).toBeUndefined();
  });
});
