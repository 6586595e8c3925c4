import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createApp, listen, type RunningServer } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import { openPlatform, type Platform } from "@loginguard/platform";
import { createRelayService, loadRelayConfig } from "@loginguard/relay";
import { testEnv } from "@loginguard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topicsCommand } from "./topics";

const ADMIN_KEY = "ops:0123456789abcdef0123";

function workspace() {
  const root = mkdtempSync(join(testEnv.tmpRoot, "loginguard-topics-"));
  const file = join(root, "topics.json");
  const write = (topics: Array<{ name: string; partitions?: number }>) =>
    writeFileSync(
      file,
      JSON.stringify({ defaults: { partitions: 2, replicationFactor: 1, retentionMs: 86_400_000 }, topics }),
    );
  return {
    root,
    dataDir: join(root, "data"),
    file,
    write,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function run(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await topicsCommand(["apply", ...args], {
    env,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

describe("loginguard topics apply on the embedded log, nobody holding the data directory", () => {
  const w = workspace();
  afterAll(() => w.cleanup());

  it("creates what is missing, then changes nothing on a second run; --dry-run only plans", async () => {
    w.write([{ name: "orders.placed" }, { name: "orders.paid", partitions: 3 }]);
    const first = await run(["--file", w.file], { DATA_DIR: w.dataDir });
    expect(first.code, first.err.join("\n")).toBe(0);
    expect(first.out[0]).toBe(`topics apply: ${w.file} -> the embedded event log in ${w.dataDir}`);
    expect(first.out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}created\s+orders\.placed \(2 partitions\)$/),
        expect.stringMatching(/^ {2}created\s+orders\.paid\.dlq \(3 partitions\)$/),
        "changed 4 of 4 topics (4 created, 0 grown, 0 unchanged)",
      ]),
    );
    const second = await run(["--file", w.file], { DATA_DIR: w.dataDir });
    expect(second.out.at(-1)).toBe("nothing changed: all 4 topics exist as declared");

    w.write([
      { name: "orders.placed", partitions: 4 },
      { name: "orders.paid", partitions: 3 },
    ]);
    const plan = await run(["--file", w.file, "--dry-run"], { DATA_DIR: w.dataDir });
    expect(plan.out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/would add partitions\s+orders\.placed \(2 -> 4 partitions\)/),
        "dry run: would change 2 of 4 topics (0 to create, 2 to grow, 2 unchanged)",
      ]),
    );
    // The dry run changed nothing: applying now does what it planned.
    expect((await run(["--file", w.file], { DATA_DIR: w.dataDir })).out.at(-1)).toBe(
      "changed 2 of 4 topics (0 created, 2 grown, 2 unchanged)",
    );
  });
});

describe("loginguard topics apply while a running instance holds the data directory", () => {
  const w = workspace();
  let platform: Platform;
  let server: RunningServer;

  beforeAll(async () => {
    // The running instance: it owns the data directory and serves the relay module's admin API.
    platform = await openPlatform({
      service: "test",
      dataDir: w.dataDir,
      needsDatabase: false,
      logger: silentLogger(),
    });
    const relay = createRelayService({
      bus: platform.bus,
      config: loadRelayConfig({ RELAY_ROUTES_DIR: join(w.root, "no-routes"), ADMIN_API_KEYS: ADMIN_KEY }),
      logger: silentLogger(),
    });
    const app = createApp({ service: "test", logger: silentLogger() });
    app.route("/", relay.routes!);
    server = await listen(app, 0, "127.0.0.1");
  });
  afterAll(async () => {
    await server?.close();
    await platform?.close();
    w.cleanup();
  });

  it("applies through the instance's admin API, idempotently", async () => {
    w.write([{ name: "orders.placed" }]);
    const env = { DATA_DIR: w.dataDir, ADMIN_API_KEYS: ADMIN_KEY };
    const first = await run(["--file", w.file, "--url", server.url], env);
    expect(first.code, first.err.join("\n")).toBe(0);
    expect(first.out[0]).toContain(
      `held by process ${process.pid}, through the running instance at ${server.url}`,
    );
    expect(first.out.at(-1)).toBe("changed 2 of 2 topics (2 created, 0 grown, 0 unchanged)");
    expect((await platform.bus.listTopics()).map((t) => t.name)).toEqual(
      expect.arrayContaining(["orders.placed", "orders.placed.dlq"]),
    );
    const second = await run(["--file", w.file, "--url", server.url], env);
    expect(second.out.at(-1)).toBe("nothing changed: all 2 topics exist as declared");
  });

  it("says what to do without a key, with a wrong key, or when nothing answers", async () => {
    w.write([{ name: "orders.placed" }]);
    const noKey = await run(["--file", w.file, "--url", server.url], { DATA_DIR: w.dataDir });
    expect(noKey.code).toBe(1);
    expect(noKey.err[0]).toMatch(/the data directory is in use .*: set ADMIN_API_KEYS/);

    const wrong = await run(["--file", w.file, "--url", server.url], {
      DATA_DIR: w.dataDir,
      ADMIN_API_KEYS: "ops:wrong-key-0123456789",
    });
    expect(wrong.code).toBe(1);
    expect(wrong.err[0]).toMatch(/answered 401: Unauthorized/);

    const port = await closedPort();
    const nobody = await run(["--file", w.file, "--url", `http://127.0.0.1:${port}`], {
      DATA_DIR: w.dataDir,
      ADMIN_API_KEYS: ADMIN_KEY,
    });
    expect(nobody.code).toBe(1);
    expect(nobody.err[0]).toContain(`nothing answers at http://127.0.0.1:${port} (ECONNREFUSED); pass --url`);
  });
});
