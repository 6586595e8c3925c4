import type { Bus, RunningStage } from "@loginguard/bus";
import { DLQ_HEADERS, startStage } from "@loginguard/bus";
import { type CloudEvent, deriveEventId, dlqTopicOf } from "@loginguard/events";
import { silentLogger } from "@loginguard/observability";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { relayStage } from "../src/relay-stage";
import type { Route } from "../src/routes/route";
import { createRelayService, type RelayService } from "../src/service";
import { relayTopicSpecs, topicGuard } from "../src/topics/topic-guard";
import { closedPort, type ReceivedRequest, startEndpoint, type TestEndpoint } from "./http-endpoint";
import {
  inputEvent,
  publishEvents,
  relayWorkspace,
  sleep,
  testRoute,
  uniqueName,
  type Watch,
  waitUntil,
  watchTopic,
} from "./relay-fixtures";

/** What a driver's test file gives the relay suite. */
export interface RelayHarness {
  /** The event log the relay runs on. */
  bus: Bus;
  /** Creates a topic (the Kafka test cluster cannot create topics through its admin API). */
  createTopic(name: string, partitions: number): Promise<void>;
  /** Whether `bus.ensureTopics` can create topics on this log. */
  canCreateTopics: boolean;
  cleanup(): Promise<void>;
}

const keyOf = (r: ReceivedRequest) => String((r.json as { key?: unknown } | undefined)?.key);
const nOf = (r: ReceivedRequest) => Number((r.json as { n?: unknown } | undefined)?.n);
const echo = (r: ReceivedRequest) => ({
  status: 200,
  headers: { "ce-type": "test.answered.v1" },
  body: { echoed: r.json },
});

/**
 * The relay's promises (docs/ARCHITECTURE.md section 8), run against one event-log driver: answers published
 * with the input's key and correlation id under a new deterministic id, 204 publishes nothing,
 * nothing lost or reordered while the endpoint is down, 4xx dead-lettered with the body, the
 * route's concurrency and timeout, the `types` filter, and routes reloaded from their directory.
 */
export function relaySuite(driver: string, makeHarness: () => Promise<RelayHarness>): void {
  describe(`relay on ${driver}`, () => {
    let h: RelayHarness;
    const stages: RunningStage[] = [];
    const watches: Watch[] = [];
    const endpoints: TestEndpoint[] = [];

    beforeAll(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await Promise.all(stages.splice(0).map((s) => s.stop()));
      await Promise.all(watches.splice(0).map((w) => w.stop()));
      await Promise.all(endpoints.splice(0).map((e) => e.close()));
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    /** A fresh topic; with its dead-letter topic for the relay service, which makes sure both exist. */
    async function topic(prefix: string, partitions = 3, withDlq = false): Promise<string> {
      const name = uniqueName(prefix);
      await h.createTopic(name, partitions);
      if (withDlq) await h.createTopic(dlqTopicOf(name), 1);
      return name;
    }
    async function endpoint(respond: Parameters<typeof startEndpoint>[0], port = 0): Promise<TestEndpoint> {
      const e = await startEndpoint(respond, port);
      endpoints.push(e);
      return e;
    }
    async function watch(name: string): Promise<Watch> {
      const w = await watchTopic(h.bus, name);
      watches.push(w);
      return w;
    }
    async function run(route: Route): Promise<RunningStage> {
      const stage = await startStage(h.bus, relayStage(route, { logger: silentLogger() }));
      stages.push(stage);
      return stage;
    }

    it("publishes a 2xx answer to the output with the input's key and correlation id and a new, derived id", async () => {
      const input = await topic("in");
      const output = await topic("out");
      const e = await endpoint(echo);
      const route = testRoute({
        name: uniqueName("stream"),
        input,
        output,
        mode: "stream",
        endpoint: `${e.url}/answer`,
      });
      const [out] = await Promise.all([watch(output), run(route)]);
      const events = [0, 1, 2].flatMap((n) => ["acc-a", "acc-b"].map((k) => inputEvent("p1", k, n)));
      await publishEvents(h.bus, input, events);
      await out.until(() => new Set(out.events().map((e) => e.id)).size === events.length, "6 answers");

      const answers = new Map(out.records.map((r) => [r.headers.ce_id, r]));
      for (const input of events) {
        const id = deriveEventId(`relay-${route.name}`, input.id, "answer");
        const record = answers.get(id);
        expect(record, input.id).toBeDefined();
        expect(id).not.toBe(input.id);
        expect(record?.key).toBe(input.subject);
        expect(record?.headers).toMatchObject({
          ce_specversion: "1.0",
          ce_type: "test.answered.v1",
          ce_source: `loginguard/relay-${route.name}`,
          ce_subject: input.subject,
          ce_correlationid: input.correlationId,
          "content-type": "application/json",
        });
        expect(JSON.parse(record!.value!.toString())).toEqual({ echoed: input.data });
      }
      // The endpoint got each event once, as a CloudEvent in binary mode with its idempotency key.
      expect(e.requests.map((r) => r.headers["ce-id"]).sort()).toEqual(events.map((x) => x.id).sort());
      for (const r of e.requests) {
        expect(r.headers["idempotency-key"]).toBe(r.headers["ce-id"]);
        expect(r.headers["ce-correlationid"]).toBe(`corr-${r.headers["ce-id"]}`);
      }
    });

    it("publishes nothing for 204", async () => {
      const input = await topic("in");
      const output = await topic("out");
      const e = await endpoint((r) => (keyOf(r) === "marker" ? echo(r) : { status: 204 }));
      const [out] = await Promise.all([
        watch(output),
        run(testRoute({ name: uniqueName("nocontent"), input, output, mode: "stream", endpoint: e.url })),
      ]);
      await publishEvents(h.bus, input, [
        ...Array.from({ length: 10 }, (_, n) => inputEvent("p2", `acc-${n % 3}`, n)),
        inputEvent("p2", "marker", 0),
      ]);
      await out.until(() => out.records.length >= 1, "the marker's answer");
      await sleep(300);
      expect(e.requests).toHaveLength(11);
      expect(out.events().map((x) => (x.data as { echoed: { key: string } }).echoed.key)).toEqual(["marker"]);
    });

    it("loses nothing while the endpoint is down (refused, then 503) and keeps each key in order", async () => {
      const input = await topic("in", 4);
      const output = await topic("out", 4);
      const port = await closedPort();
      const route = testRoute({
        name: uniqueName("outage"),
        input,
        output,
        mode: "stream",
        endpoint: `http://127.0.0.1:${port}/x`,
        concurrency: 8,
        retry: { initialMs: 20, maxMs: 150 },
      });
      const [out] = await Promise.all([watch(output), run(route)]);
      const keys = Array.from({ length: 8 }, (_, i) => `acc-${i}`);
      const events = Array.from({ length: 40 }, (_, i) =>
        inputEvent("p3", keys[i % keys.length]!, Math.floor(i / keys.length)),
      );
      await publishEvents(h.bus, input, events);
      await sleep(800); // connection refused meanwhile
      expect(out.records).toHaveLength(0);

      let back = false;
      const e = await endpoint((r) => (back ? echo(r) : { status: 503, body: "maintenance" }), port);
      await waitUntil(
        () => e.requests.length >= 10,
        () => "503s to be answered",
      );
      back = true;
      await out.until(() => new Set(out.events().map((x) => x.id)).size === events.length, "every answer");

      // Every event delivered; per key, the endpoint saw the events in order (retries repeat, never skip).
      for (const key of keys) {
        const ns = e.requests.filter((r) => keyOf(r) === key).map(nOf);
        expect(ns, key).toEqual([...ns].sort((a, b) => a - b));
        expect(new Set(ns), key).toEqual(new Set([0, 1, 2, 3, 4]));
      }
      // Downstream: one id per input (redeliveries would carry the same id), in order per key.
      const expected = new Set(events.map((x) => deriveEventId(`relay-${route.name}`, x.id, "answer")));
      const seen = new Set<string>();
      const firstByKey = new Map<string, number[]>();
      for (const event of out.events()) {
        expect(expected.has(event.id)).toBe(true);
        if (seen.has(event.id)) continue;
        seen.add(event.id);
        const { key, n } = (event.data as { echoed: { key: string; n: number } }).echoed;
        firstByKey.set(key, [...(firstByKey.get(key) ?? []), n]);
      }
      expect(seen.size).toBe(events.length);
      for (const key of keys) expect(firstByKey.get(key), key).toEqual([0, 1, 2, 3, 4]);
    });

    it("dead-letters an event the endpoint rejects with 4xx, with the answer's body in the error", async () => {
      const input = await topic("in");
      const output = await topic("out");
      await h.createTopic(dlqTopicOf(input), 1);
      const e = await endpoint((r) =>
        keyOf(r) === "acc-bad" ? { status: 400, body: { error: "unknown account acc-bad" } } : echo(r),
      );
      const route = testRoute({ name: uniqueName("reject"), input, output, mode: "stream", endpoint: e.url });
      const [dlq, out] = await Promise.all([watch(dlqTopicOf(input)), watch(output), run(route)]);
      const bad = inputEvent("p4", "acc-bad", 0);
      await publishEvents(h.bus, input, [inputEvent("p4", "acc-ok", 0), bad, inputEvent("p4", "acc-ok", 1)]);
      await dlq.until(() => dlq.records.length >= 1, "the dead letter");
      await out.until(() => out.records.length >= 2, "the two good answers");
      const [dead] = dlq.records;
      expect(dead?.key).toBe("acc-bad");
      expect(dead?.headers.ce_id).toBe(bad.id);
      expect(dead?.headers[DLQ_HEADERS.error]).toContain('answered 400: {"error":"unknown account acc-bad"}');
      expect(dead?.headers[DLQ_HEADERS.code]).toBe("endpoint_rejected");
      expect(dead?.headers[DLQ_HEADERS.stage]).toBe(`relay-${route.name}`);
      expect(dead?.headers[DLQ_HEADERS.topic]).toBe(input);
      expect(JSON.parse(dead!.value!.toString())).toEqual(bad.data);
      // Rejected once: a 4xx is not retried.
      expect(e.requests.filter((r) => keyOf(r) === "acc-bad")).toHaveLength(1);
    });

    it("keeps at most `concurrency` requests in flight against a slow endpoint", async () => {
      const input = await topic("in", 6);
      const e = await endpoint(() => ({ status: 204, delayMs: 120 }));
      await run(testRoute({ name: uniqueName("slow"), input, endpoint: e.url, concurrency: 3 }));
      await publishEvents(
        h.bus,
        input,
        Array.from({ length: 24 }, (_, n) => inputEvent("p5", `acc-${n}`, 0)),
      );
      await waitUntil(
        () => e.requests.length >= 24 && e.inFlight === 0,
        () => `24 requests (${e.requests.length})`,
      );
      expect(e.maxInFlight).toBeLessThanOrEqual(3);
      expect(e.maxInFlight).toBeGreaterThanOrEqual(2);
    });

    it("retries a request that takes longer than timeoutMs", async () => {
      const input = await topic("in");
      const output = await topic("out");
      const tries = new Map<string, number>();
      const e = await endpoint((r) => {
        const id = String(r.headers["ce-id"]);
        tries.set(id, (tries.get(id) ?? 0) + 1);
        return tries.get(id) === 1 ? { ...echo(r), delayMs: 800 } : echo(r);
      });
      const [out] = await Promise.all([
        watch(output),
        run(
          testRoute({
            name: uniqueName("timeout"),
            input,
            output,
            mode: "stream",
            endpoint: e.url,
            timeoutMs: 200,
          }),
        ),
      ]);
      const events = [inputEvent("p6", "acc-1", 0), inputEvent("p6", "acc-2", 0)];
      await publishEvents(h.bus, input, events);
      await out.until(() => new Set(out.events().map((x) => x.id)).size === 2, "both answers");
      for (const event of events) expect(tries.get(event.id), event.id).toBeGreaterThanOrEqual(2);
    });

    it("sends only the route's types and commits past the others", async () => {
      const input = await topic("in", 1);
      const e = await endpoint(() => ({ status: 204 }));
      const route = testRoute({
        name: uniqueName("types"),
        input,
        endpoint: e.url,
        types: ["test.wanted.v1"],
      });
      const first = await run(route);
      await publishEvents(h.bus, input, [
        inputEvent("p7", "acc", 0, "test.wanted.v1"),
        inputEvent("p7", "acc", 1, "test.other.v1"),
        inputEvent("p7", "acc", 2, "test.wanted.v1"),
      ]);
      await waitUntil(
        () => e.requests.length >= 2,
        () => "the wanted events",
      );
      await sleep(200);
      expect(e.requests.map((r) => r.headers["ce-type"])).toEqual(["test.wanted.v1", "test.wanted.v1"]);
      // Restarted in the same group: nothing comes again, the skipped event included.
      await first.stop();
      stages.splice(stages.indexOf(first), 1);
      await run(route);
      await publishEvents(h.bus, input, [inputEvent("p7", "acc", 3, "test.wanted.v1")]);
      await waitUntil(
        () => e.requests.length >= 3,
        () => "the event after the restart",
      );
      await sleep(300);
      expect(e.requests.map(nOf)).toEqual([0, 2, 3]);
    });

    it("creates a missing output topic on first use, and leaves an existing one as it is", async () => {
      const input = await topic("in", 3, true);
      const existing = await topic("out-existing", 2, true);
      const work = relayWorkspace({ partitions: 5, replicationFactor: 1 });
      try {
        const spec = relayTopicSpecs(
          {
            defaults: {
              partitions: 5,
              replicationFactor: 1,
              retentionMs: 1000,
              config: {},
              deadLetter: true,
            },
            topics: [],
          },
          existing,
        );
        await topicGuard(h.bus, spec, silentLogger())();
        expect((await h.bus.listTopics()).find((t) => t.name === existing)?.partitions).toBe(2);
        if (!h.canCreateTopics) return;

        const output = uniqueName("out-new");
        expect((await h.bus.listTopics()).some((t) => t.name === output)).toBe(false);
        const e = await endpoint(echo);
        work.writeRoute("r.json", {
          name: uniqueName("create"),
          input,
          output,
          mode: "stream",
          endpoint: e.url,
          concurrency: 2,
          timeoutMs: 2000,
          retry: { initialMs: 20, maxMs: 100 },
        });
        const relay = createRelayService({ bus: h.bus, config: work.config(), logger: silentLogger() });
        await relay.start();
        try {
          await publishEvents(h.bus, input, [inputEvent("p8", "acc", 0)]);
          await waitUntil(
            () => e.requests.length >= 1,
            () => "the request",
          );
          const out = await watch(output);
          await out.until(() => out.records.length >= 1, "the answer");
          const topics = await h.bus.listTopics();
          expect(topics.find((t) => t.name === output)?.partitions).toBe(5);
          expect(topics.find((t) => t.name === dlqTopicOf(output))?.partitions).toBe(5);
        } finally {
          await relay.stop();
        }
      } finally {
        work.cleanup();
      }
    });

    it("follows the routes directory: a new file starts its route, a broken file keeps the old one running", async () => {
      const input = await topic("in", 2, true);
      const a = await endpoint(() => ({ status: 204 }));
      const b = await endpoint(() => ({ status: 204 }));
      const work = relayWorkspace({ partitions: 2, replicationFactor: 1 });
      const routeA = {
        name: uniqueName("a"),
        input,
        endpoint: a.url,
        mode: "sink",
        concurrency: 2,
        timeoutMs: 2000,
        retry: { initialMs: 20, maxMs: 100 },
      };
      const routeB = { ...routeA, name: uniqueName("b"), endpoint: b.url };
      work.writeRoute("a.json", routeA);
      const relay: RelayService = createRelayService({
        bus: h.bus,
        config: work.config({ reloadIntervalMs: 250 }),
        logger: silentLogger(),
      });
      const saw = (e: TestEndpoint, n: number) => e.requests.some((r) => nOf(r) === n);
      await relay.start();
      try {
        await publishEvents(h.bus, input, [inputEvent("p9", "acc", 1)]);
        await waitUntil(
          () => saw(a, 1),
          () => "route a to deliver event 1",
        );

        work.writeRoute("b.json", routeB);
        await waitUntil(
          () => relay.runningRoutes().has(routeB.name),
          () => "route b to start",
          10_000,
        );
        await publishEvents(h.bus, input, [inputEvent("p9", "acc", 2)]);
        // b starts from the beginning of the topic, a goes on where it was.
        await waitUntil(
          () => saw(a, 2) && saw(b, 1) && saw(b, 2),
          () => "both routes to deliver",
        );

        work.writeRoute("a.json", { ...routeA, concurrency: 0, endpoint: b.url });
        await waitUntil(
          () => relay.routeStatus().some((s) => s.file.endsWith("a.json") && s.error !== null),
          () => "the broken file to be noticed",
          10_000,
        );
        const statusA = relay.routeStatus().find((s) => s.file.endsWith("a.json"));
        expect(statusA).toMatchObject({ state: "running", route: { name: routeA.name, endpoint: a.url } });
        expect(statusA?.error).toContain("a.json: concurrency: must be >= 1");
        await publishEvents(h.bus, input, [inputEvent("p9", "acc", 3)]);
        await waitUntil(
          () => saw(a, 3) && saw(b, 3),
          () => "event 3 on the old route a and on b",
        );
        expect(a.requests.filter((r) => nOf(r) === 3)).toHaveLength(1);

        work.removeRoute("b.json");
        await waitUntil(
          () => !relay.runningRoutes().has(routeB.name),
          () => "route b to stop",
          10_000,
        );
        await publishEvents(h.bus, input, [inputEvent("p9", "acc", 4)]);
        await waitUntil(
          () => saw(a, 4),
          () => "event 4 on a",
        );
        await sleep(300);
        expect(saw(b, 4)).toBe(false);
      } finally {
        await relay.stop();
        work.cleanup();
      }
    });

    it("authenticates with the bearer token named by the route, and refuses a route whose token is missing", async () => {
      const input = await topic("in", 1, true);
      const e = await endpoint(() => ({ status: 204 }));
      const work = relayWorkspace({ partitions: 1, replicationFactor: 1 });
      const route = {
        name: uniqueName("auth"),
        input,
        endpoint: e.url,
        mode: "sink",
        concurrency: 1,
        timeoutMs: 2000,
        retry: { initialMs: 20, maxMs: 100 },
        auth: { type: "bearer", tokenEnv: "TEST_RELAY_TOKEN" },
      };
      work.writeRoute("auth.json", route);
      work.writeRoute("missing.json", {
        ...route,
        name: uniqueName("noauth"),
        auth: { type: "bearer", tokenEnv: "NOT_SET" },
      });
      const secrets: Record<string, string> = { TEST_RELAY_TOKEN: "s3cret-token-value" };
      const relay = createRelayService({
        bus: h.bus,
        config: work.config({ secret: (name) => secrets[name] }),
        logger: silentLogger(),
      });
      await relay.start();
      try {
        expect(relay.routeStatus().find((s) => s.file.endsWith("missing.json"))).toMatchObject({
          state: "refused",
          route: null,
        });
        expect(relay.routeStatus().find((s) => s.file.endsWith("missing.json"))?.error).toContain(
          "auth.tokenEnv: the relay's environment has no NOT_SET",
        );
        await publishEvents(h.bus, input, [inputEvent("p10", "acc", 0)]);
        await waitUntil(
          () => e.requests.length >= 1,
          () => "the request",
        );
        expect(e.requests[0]?.headers.authorization).toBe("Bearer s3cret-token-value");
      } finally {
        await relay.stop();
        work.cleanup();
      }
    });
  });
}

export type { CloudEvent };
