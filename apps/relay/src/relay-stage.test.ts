import { deriveEventId } from "@loginguard/events";
import { silentLogger } from "@loginguard/observability";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEndpoint, type TestEndpoint } from "../test/http-endpoint";
import { relayStage } from "./relay-stage";
import type { Route } from "./routes/route";

let endpoint: TestEndpoint;
beforeAll(async () => {
  endpoint = await startEndpoint(() => ({
    status: 200,
    headers: { "ce-type": "x.answer.v1" },
    body: { ok: 1 },
  }));
});
afterAll(() => endpoint.close());

const ctx = { stage: "t", logger: silentLogger(), signal: new AbortController().signal };
const event = {
  id: "in-1",
  type: "x.wanted.v1",
  source: "test",
  time: "2026-01-01T00:00:00Z",
  subject: "acc",
  correlationId: "corr",
  data: { a: 1 },
};
const route = (over: Partial<Route> = {}): Route => ({
  name: "r",
  input: "in",
  output: "out",
  mode: "stream",
  endpoint: endpoint.url,
  concurrency: 7,
  timeoutMs: 1000,
  retry: { initialMs: 11, maxMs: 99 },
  ...over,
});

describe("relayStage", () => {
  it("maps the route onto the stage: group, input, in-flight bound, backoff, start position", () => {
    const def = relayStage(route({ start: "latest" }));
    expect(def).toMatchObject({
      name: "relay-r",
      input: "in",
      maxInFlight: 7,
      retry: { initialMs: 11, maxMs: 99 },
      fromBeginning: false,
    });
    expect(relayStage(route()).fromBeginning).toBe(true);
  });

  it("turns an answer into the output event; sink and filtered types publish nothing", async () => {
    const out = await relayStage(route()).handle!(event, ctx);
    expect(out).toMatchObject({
      topic: "out",
      event: {
        id: deriveEventId("relay-r", "in-1", "answer"),
        type: "x.answer.v1",
        source: "loginguard/relay-r",
        subject: "acc",
        correlationId: "corr",
        data: { ok: 1 },
      },
    });
    expect(await relayStage(route({ mode: "sink", output: undefined })).handle!(event, ctx)).toBeUndefined();
    const before = endpoint.requests.length;
    expect(await relayStage(route({ types: ["x.other.v1"] })).handle!(event, ctx)).toBeUndefined();
    expect(endpoint.requests.length).toBe(before);
  });
});
