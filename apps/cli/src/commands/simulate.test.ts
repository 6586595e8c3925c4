import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { simulateCommand } from "./simulate";

function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return simulateCommand(args, { env, out: (l) => out.push(l), err: (l) => err.push(l) }).then((code) => ({
    code,
    out: out.join("\n"),
    err: err.join("\n"),
  }));
}

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("loginguard simulate", () => {
  it("prints its usage for --help (0) and with a bad option (2)", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: loginguard simulate/);
    const bad = await run(["--players", "none"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--players: expected a number/);
    expect(bad.err).toContain("usage: loginguard simulate");
  });

  it("prints the webhook settings, then fails (1) when no instance answers", async () => {
    const [instancePort, webhookPort] = [await closedPort(), await closedPort()];
    const result = await run([
      "--url",
      `http://127.0.0.1:${instancePort}`,
      "--wait",
      "0",
      "--webhook-port",
      String(webhookPort),
    ]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      new RegExp(
        `GAME_WEBHOOK_URL=http://127\\.0\\.0\\.1:${webhookPort}/webhooks GAME_WEBHOOK_SECRET=whsec_\\S+ npm start`,
      ),
    );
    expect(result.out).toContain("generated a signing secret for this run");
    expect(result.err).toMatch(/is not ready after 0 s \(ECONNREFUSED\); is loginguard running\?/);
  });
});
