import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createApp } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import { openPlatform, type Platform } from "@loginguard/platform";
import { testEnv } from "@loginguard/testing";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relayOpenApi } from "../src/http/openapi";
import { createRelayService, type RelayService } from "../src/service";

const KEY = "0123456789abcdef0123";
const topics = {
  defaults: { partitions: 2, replicationFactor: 1, retentionMs: 86_400_000 },
  topics: [{ name: "orders.placed" }],
};

/** The relay module's admin API, in process (`app.request`), on the embedded log. */
describe("relay admin API", () => {
  const root = mkdtempSync(join(testEnv.tmpRoot, "loginguard-relay-admin-"));
  let platform: Platform;
  let relay: RelayService;
  let app: Hono;
  const post = (body: unknown, key: string | null = KEY) =>
    app.request("/v1/admin/topics/apply", {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    platform = await openPlatform({
      service: "t",
      dataDir: join(root, "data"),
      needsDatabase: false,
      logger: silentLogger(),
    });
    relay = createRelayService({
      bus: platform.bus,
      config: {
        routesDir: join(root, "routes"),
        topicsFile: join(root, "none.json"),
        reloadIntervalMs: 60_000,
        adminKeys: new Map([["ops", KEY]]),
        secret: () => undefined,
      },
      logger: silentLogger(),
    });
    await relay.start();
    app = createApp({ service: "relay", logger: silentLogger() });
    app.route("/", relay.routes!);
  });
  afterAll(async () => {
    await relay?.stop();
    await platform?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("needs an admin API key", async () => {
    expect((await post({ topics }, null)).status).toBe(401);
    expect((await post({ topics }, "not-the-key-0123456789")).status).toBe(401);
    expect((await app.request("/v1/admin/relay/routes")).status).toBe(401);
  });

  it("refuses a body that is not a topics file, naming the field", async () => {
    const response = await post({ topics: { ...topics, defaults: { ...topics.defaults, partitions: 0 } } });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors[0]?.path).toBe("topics.defaults.partitions");
  });

  it("plans with dryRun without changing anything, then applies, then has nothing to do", async () => {
    const plan = await post({ topics, dryRun: true });
    expect(plan.status).toBe(200);
    expect(await plan.json()).toEqual({
      dryRun: true,
      driver: "embedded",
      items: [
        { name: "orders.placed", action: "create", partitions: 2 },
        { name: "orders.placed.dlq", action: "create", partitions: 2 },
      ],
    });
    expect((await platform.bus.listTopics()).some((t) => t.name === "orders.placed")).toBe(false);

    const applied = (await (await post({ topics })).json()) as { items: Array<{ action: string }> };
    expect(applied.items.map((i) => i.action)).toEqual(["create", "create"]);
    const again = (await (await post({ topics })).json()) as { items: Array<{ action: string }> };
    expect(again.items.map((i) => i.action)).toEqual(["unchanged", "unchanged"]);
  });

  it("lists the route files; every documented path is served", async () => {
    const response = await app.request("/v1/admin/relay/routes", {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(await response.json()).toEqual({ routes: [] });
    for (const [path, ops] of Object.entries(relayOpenApi.paths)) {
      for (const method of Object.keys(ops as object)) {
        const r = await app.request(path, { method: method.toUpperCase() });
        expect(r.status, `${method} ${path}`).toBe(401);
      }
    }
  });
});
