import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedLoginguard, startLoginguard } from "../src/commands/start";
import { parseSimulateArgs, readStoredIngestKey, type SimulateOptions } from "../src/simulate/options";
import { runSimulation } from "../src/simulate/run";
import type { SimulationReport } from "../src/simulate/summary";
import { newWebhookSecret } from "../src/simulate/webhook-signature";

/** A free loopback port (bound, then released) for the simulator's webhook receiver. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("loginguard simulate against loginguard start (embedded, in process)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "loginguard-simulate-"));
  const secret = newWebhookSecret();
  const output: string[] = [];
  let product: StartedLoginguard;
  let report: SimulationReport;
  let options: SimulateOptions;

  beforeAll(async () => {
    const webhookPort = await freePort();
    product = await startLoginguard({
      DATA_DIR: dataDir,
      PORT: "0",
      LOG_LEVEL: "warn",
      GAME_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/webhooks`,
      GAME_WEBHOOK_SECRET: secret,
    });
    // No --key: the simulator reads the key `start` generated into DATA_DIR/secrets.json.
    const parsed = parseSimulateArgs(
      ["--url", product.url, "--players", "60", "--logins", "400", "--rate", "200", "--seed", "int-test"],
      { DATA_DIR: dataDir, GAME_WEBHOOK_SECRET: secret },
    );
    if (parsed === "help") throw new Error("unexpected help");
    options = { ...parsed, webhookPort };
    report = await runSimulation(options, { out: (l) => output.push(l), err: () => {} });
  }, 240_000);

  afterAll(async () => {
    await product?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("tells the user how to point the product at its receiver", () => {
    expect(output).toContain(
      `  GAME_WEBHOOK_URL=http://127.0.0.1:${options.webhookPort}/webhooks GAME_WEBHOOK_SECRET=${secret} npm start`,
    );
  });

  it("has every login accepted", () => {
    expect(report.plan.logins).toHaveLength(400);
    expect(report.send.accepted).toBe(400);
    expect(report.send.notAccepted).toEqual([]);
    expect(report.send.statusCodes.entries()).toEqual([[202, 400]]);
    expect(report.plan.counts.takeover.instances).toBeGreaterThan(0);
    expect(report.plan.counts.credential_stuffing.instances).toBe(1);
  });

  it("leaves the takeover victims locked, as the status API answers any game server", async () => {
    const victims = report.plan.cases.filter((c) => c.locked).map((c) => c.accountId);
    expect(victims.length).toBeGreaterThanOrEqual(2);
    const key = readStoredIngestKey(dataDir);
    for (const id of victims) {
      const res = await fetch(`${product.url}/v1/accounts/${id}/status`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const status = (await res.json()) as { locked: boolean; reason: string };
      expect(status.locked, id).toBe(true);
      expect(["impossible_travel", "takeover_suspected"]).toContain(status.reason);
    }
    const others = report.plan.cases.filter((c) => !c.locked);
    expect(others.length).toBeGreaterThan(0);
    expect(
      report.verification.cases.filter((v) => !v.case.locked).every((v) => v.status?.locked === false),
    ).toBe(true);
    expect(report.verification.unexpectedlyLocked).toEqual([]);
  });

  it("received a verified player.kick for each victim's session, and no signature failures", () => {
    for (const c of report.plan.cases.filter((x) => x.locked)) {
      const kicks = report.webhooks.received.filter(
        (w) => w.type === "player.kick" && w.data.accountId === c.accountId,
      );
      expect(
        kicks.map((w) => w.data.sessionId),
        c.accountId,
      ).toEqual([c.kickSession]);
      expect(
        report.webhooks.received.some((w) => w.type === "account.locked" && w.data.accountId === c.accountId),
      ).toBe(true);
    }
    expect(report.webhooks.signatureFailures).toEqual([]);
    expect(report.verification.flaggedIps.map((f) => f.flagged)).toEqual([true]);
  });

  it("prints a summary that says every expectation was met", () => {
    expect(report.problems).toEqual([]);
    expect(output).toContain("accepted    400 of 400");
    expect(output.at(-1)).toBe("result      every expectation met");
  });
});
