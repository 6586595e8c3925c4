import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configureLogging } from "@loginguard/observability";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountsCommand } from "./accounts";
import { captured } from "./staff-io";
import { type StartedLoginguard, startLoginguard } from "./start";

describe("loginguard accounts export against a running embedded instance", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "loginguard-accounts-"));
  let started: StartedLoginguard;

  beforeAll(async () => {
    configureLogging({ level: "warn" });
    started = await startLoginguard({ DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "warn" });
    const res = await fetch(`${started.url}/v1/accounts/cli-1/contact`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${started.secrets!.ingestApiKey}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ email: "cli1@example.com" }),
    });
    expect(res.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await started?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("saves the export of every service with the admin key from DATA_DIR, and audits the reason", async () => {
    const file = join(dataDir, "export.json");
    const out = captured();
    const err = captured();
    const code = await accountsCommand(
      ["export", "cli-1", "--reason", "player request by email", "--out", file, "--url", started.url],
      { env: { DATA_DIR: dataDir }, stdout: out.stream, stderr: err.stream },
    );
    expect(err.text()).toBe("");
    expect(code).toBe(0);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(doc.accountId).toBe("cli-1");
    expect(Object.keys(doc.services).sort()).toEqual(["account-security", "logger", "portal", "responder"]);
    expect(doc.services.responder["responder.contacts"][0].email).toBe("cli1@example.com");
    const audit = await fetch(`${started.url}/v1/audit?accountId=cli-1&action=account_exported`, {
      headers: { authorization: `Bearer ${started.secrets!.adminApiKey}` },
    });
    expect((await audit.json()).items[0].reason).toBe("player request by email");
  });

  it("refuses an export without a reason (exit 2) and names a refused request (exit 1)", async () => {
    const err = captured();
    expect(
      await accountsCommand(["export", "cli-1"], { env: { DATA_DIR: dataDir }, stderr: err.stream }),
    ).toBe(2);
    expect(err.text()).toContain("--reason is required");
    const err2 = captured();
    const code = await accountsCommand(["export", "cli-1", "--reason", "x", "--url", started.url], {
      env: { DATA_DIR: dataDir, ADMIN_API_KEYS: `wrong:${"w".repeat(32)}` },
      stderr: err2.stream,
    });
    expect(code).toBe(1);
    expect(err2.text()).toContain("401");
  });
});
