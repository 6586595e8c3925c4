import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { testEnv } from "@loginguard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topicsCommand } from "./topics";

const RELAY_DIR = fileURLToPath(new URL("../../../relay/", import.meta.url));
const ADMIN_KEY = "ops:0123456789abcdef0123";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The real situation `topics apply` meets in embedded mode: another process (here the relay's own
 * `main.ts`) owns the data directory, so the command goes through that process's admin API.
 */
describe("loginguard topics apply against a running process that owns the data directory", () => {
  const root = mkdtempSync(join(testEnv.tmpRoot, "loginguard-topics-running-"));
  const dataDir = join(root, "data");
  const file = join(root, "topics.json");
  let port: number;
  let child: ChildProcess;
  let stderr = "";

  beforeAll(async () => {
    port = await freePort();
    mkdirSync(join(root, "routes"));
    child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: RELAY_DIR,
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        PORT: String(port),
        ADMIN_API_KEYS: ADMIN_KEY,
        RELAY_ROUTES_DIR: join(root, "routes"),
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`relay exited (${child.exitCode}): ${stderr}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`relay did not become ready: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  });

  it("applies through the owner's admin API on PORT, and a second run changes nothing", async () => {
    writeFileSync(
      file,
      JSON.stringify({
        defaults: { partitions: 2, replicationFactor: 1, retentionMs: 86_400_000 },
        topics: [{ name: "orders.placed" }, { name: "orders.paid", deadLetter: false }],
      }),
    );
    const env = { DATA_DIR: dataDir, PORT: String(port), ADMIN_API_KEYS: ADMIN_KEY };
    const lines: string[] = [];
    const errors: string[] = [];
    const io = { env, out: (l: string) => lines.push(l), err: (l: string) => errors.push(l) };
    expect(await topicsCommand(["apply", "--file", file], io), errors.join("\n")).toBe(0);
    expect(lines[0]).toContain(
      `held by process ${child.pid}, through the running instance at http://127.0.0.1:${port}`,
    );
    expect(lines.at(-1)).toBe("changed 3 of 3 topics (3 created, 0 grown, 0 unchanged)");

    lines.length = 0;
    expect(await topicsCommand(["apply", "--file", file], io)).toBe(0);
    expect(lines.at(-1)).toBe("nothing changed: all 3 topics exist as declared");
  });
});
