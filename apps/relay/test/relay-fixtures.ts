import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Bus, BusRecord, Subscription } from "@loginguard/bus";
import { type CloudEvent, decodeEnvelope, encodeEvent } from "@loginguard/events";
import { testEnv } from "@loginguard/testing";
import type { RelayConfig } from "../src/env";
import type { Route } from "../src/routes/route";

let counter = 0;

/** A name no other test in this process uses (topics, groups, routes). */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}

/** An input event: key `key`, number `n` in its data, id `<prefix>-<key>-<n>`. */
export function inputEvent(prefix: string, key: string, n: number, type = "test.input.v1"): CloudEvent {
  const id = `${prefix}-${key}-${n}`;
  return {
    id,
    type,
    source: "test/producer",
    time: new Date().toISOString(),
    subject: key,
    correlationId: `corr-${id}`,
    data: { key, n },
  };
}

export async function publishEvents(bus: Bus, topic: string, events: CloudEvent[]): Promise<void> {
  await bus.publish(events.map((e) => ({ topic, ...encodeEvent(e) })));
}

/** What a consumer of a topic saw, with a wait for a condition. */
export interface Watch {
  readonly records: BusRecord[];
  /** Decoded events, in arrival order. */
  events(): CloudEvent[];
  until(pred: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Subscribes to `topic` in a group of its own and records everything it sees. */
export async function watchTopic(bus: Bus, topic: string): Promise<Watch> {
  const records: BusRecord[] = [];
  const sub: Subscription = await bus.subscribe({
    group: uniqueName("watch"),
    topics: [topic],
    handleBatch: async (batch) => {
      records.push(...batch.records);
    },
  });
  return {
    records,
    events: () =>
      records.flatMap((r) => {
        const decoded = decodeEnvelope(r);
        return decoded.ok ? [decoded.event] : [];
      }),
    until: (pred, what, timeoutMs) =>
      waitUntil(pred, () => `${what} (saw ${records.length} records)`, timeoutMs),
    stop: () => sub.stop(),
  };
}

/** Polls `pred` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(pred: () => boolean, what: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await sleep(20);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A route with test-sized timings. */
export function testRoute(over: Partial<Route> & Pick<Route, "name" | "input" | "endpoint">): Route {
  return {
    mode: "sink",
    concurrency: 4,
    timeoutMs: 2000,
    retry: { initialMs: 30, maxMs: 200 },
    ...over,
  };
}

/** A temporary directory with a routes folder and a topics file, for the relay service. */
export interface RelayWorkspace {
  routesDir: string;
  topicsFile: string;
  writeRoute(file: string, content: object | string): void;
  removeRoute(file: string): void;
  config(over?: Partial<RelayConfig>): RelayConfig;
  cleanup(): void;
}

export function relayWorkspace(topicDefaults: {
  partitions: number;
  replicationFactor: number;
}): RelayWorkspace {
  const root = mkdtempSync(join(testEnv.tmpRoot, "loginguard-relay-"));
  const routesDir = join(root, "routes");
  const topicsFile = join(root, "topics.json");
  mkdirSync(routesDir);
  writeFileSync(
    topicsFile,
    JSON.stringify({
      defaults: { ...topicDefaults, retentionMs: 86_400_000, config: {}, deadLetter: true },
      topics: [],
    }),
  );
  return {
    routesDir,
    topicsFile,
    writeRoute(file, content) {
      writeFileSync(
        join(routesDir, file),
        typeof content === "string" ? content : JSON.stringify(content, null, 2),
      );
    },
    removeRoute(file) {
      rmSync(join(routesDir, file), { force: true });
    },
    config: (over = {}) => ({
      routesDir,
      topicsFile,
      reloadIntervalMs: 300,
      adminKeys: new Map(),
      secret: () => undefined,
      ...over,
    }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
