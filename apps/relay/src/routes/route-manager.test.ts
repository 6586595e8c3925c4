import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunningStage } from "@loginguard/bus";
import { permanentError, retryableError } from "@loginguard/errors";
import { silentLogger } from "@loginguard/observability";
import { testEnv } from "@loginguard/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Route } from "./route";
import { RouteManager } from "./route-manager";

const route = (name: string, over: Record<string, unknown> = {}) => ({
  name,
  input: "in",
  endpoint: "http://127.0.0.1:9/x",
  mode: "sink",
  concurrency: 1,
  timeoutMs: 1000,
  retry: { initialMs: 10, maxMs: 100 },
  ...over,
});

/**
 * The manager's bookkeeping over a real directory. Its `startRoute` is a recorder here: starting
 * a real stage is what the relay suite covers on both event logs.
 */
describe("RouteManager", () => {
  let dir: string;
  let started: Route[];
  let stopped: string[];
  let failNext: Error | undefined;
  let manager: RouteManager;
  const write = (file: string, content: unknown) =>
    writeFileSync(join(dir, file), typeof content === "string" ? content : JSON.stringify(content));

  beforeEach(() => {
    dir = mkdtempSync(join(testEnv.tmpRoot, "loginguard-routes-"));
    started = [];
    stopped = [];
    failNext = undefined;
    manager = new RouteManager({
      dir,
      reloadIntervalMs: 60_000,
      logger: silentLogger(),
      async startRoute(r): Promise<RunningStage> {
        if (failNext) {
          const error = failNext;
          failNext = undefined;
          throw error;
        }
        started.push(r);
        return {
          name: `relay-${r.name}`,
          maxInFlight: r.concurrency,
          setMaxInFlight() {},
          inFlight: 0,
          paused: false,
          pause() {},
          resume() {},
          stop: async () => {
            stopped.push(r.name);
          },
        };
      },
    });
  });
  afterEach(async () => {
    await manager.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts, restarts on change, leaves an unchanged file alone, stops on removal", async () => {
    write("a.json", route("a"));
    write("notes.txt", "not a route");
    await manager.start();
    expect(started.map((r) => r.name)).toEqual(["a"]);
    await manager.sync();
    expect(started).toHaveLength(1);

    write("a.json", route("a", { concurrency: 3 }));
    await manager.sync();
    expect(stopped).toEqual(["a"]);
    expect(started.map((r) => r.concurrency)).toEqual([1, 3]);

    rmSync(join(dir, "a.json"));
    await manager.sync();
    expect(stopped).toEqual(["a", "a"]);
    expect(manager.status()).toEqual([]);
  });

  it("refuses a second file with a route's name; the first keeps it", async () => {
    write("a.json", route("same"));
    write("b.json", route("same", { concurrency: 2 }));
    await manager.start();
    expect(started).toHaveLength(1);
    const [a, b] = manager.status();
    expect(a).toMatchObject({ state: "running", error: null });
    expect(b?.state).toBe("refused");
    expect(b?.error).toBe(
      `${join(dir, "b.json")}: name: route "same" is already declared in ${join(dir, "a.json")}`,
    );
  });

  it("keeps the last good version running while the file is broken, and takes the fix", async () => {
    write("a.json", route("a"));
    await manager.start();
    write("a.json", "{ not json");
    await manager.sync();
    expect(stopped).toEqual([]);
    expect(manager.status()[0]).toMatchObject({ state: "running", route: { name: "a" } });
    expect(manager.status()[0]?.error).toMatch(/a\.json: not valid JSON/);

    write("a.json", route("a"));
    await manager.sync();
    // The same route as running: nothing restarted, the error cleared.
    expect(started).toHaveLength(1);
    expect(manager.status()[0]).toMatchObject({ state: "running", error: null });
  });

  it("tries a transient start failure again at the next scan, but not a permanent one", async () => {
    write("a.json", route("a"));
    failNext = retryableError("event log down");
    await manager.start();
    expect(manager.status()[0]).toMatchObject({ state: "failed", route: null });
    await manager.sync();
    expect(manager.status()[0]).toMatchObject({ state: "running", error: null });

    write("b.json", route("b"));
    failNext = permanentError("auth.tokenEnv: the relay's environment has no X");
    await manager.sync();
    await manager.sync();
    expect(manager.status()[1]).toMatchObject({ state: "refused" });
    expect(started.map((r) => r.name)).toEqual(["a"]);
  });

  it("notices a new file by itself", async () => {
    await manager.start();
    write("late.json", route("late"));
    const deadline = Date.now() + 5000;
    while (started.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(started.map((r) => r.name)).toEqual(["late"]);
  });
});
