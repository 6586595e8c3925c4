import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configureLogging } from "@loginguard/observability";
import { openPlatform, runModules } from "@loginguard/platform";
import { createPortalService, loadPortalConfig } from "@loginguard/portal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrCreateSecrets, withEmbeddedDefaults } from "../embedded-secrets";
import { staffCommand } from "./staff";
import { captured, stdinOf } from "./staff-io";

describe("loginguard staff add against a running embedded instance", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "loginguard-staff-running-"));
  let running: { url: string; stop(): Promise<void> };

  beforeAll(async () => {
    configureLogging({ level: "warn" });
    // The instance holds DATA_DIR (its lock), as `loginguard start` does; here with the portal alone.
    const env = withEmbeddedDefaults({ DATA_DIR: dataDir }, loadOrCreateSecrets(dataDir).secrets);
    const platform = await openPlatform({ service: "portal", dataDir, needsDatabase: true });
    const portal = createPortalService({
      bus: platform.bus,
      db: platform.db!,
      config: loadPortalConfig(env),
    });
    running = await runModules("portal", [portal], platform, { port: 0, host: "127.0.0.1" });
  });

  afterAll(async () => {
    await running?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function add(email: string, env: Record<string, string>) {
    const out = captured();
    const err = captured();
    const code = await staffCommand(
      ["add", "--email", email, "--role", "support", "--password-stdin", "--url", running.url],
      {
        env: { DATA_DIR: dataDir, ...env },
        stdin: stdinOf("support password 1\n"),
        stdout: out.stream,
        stderr: err.stream,
      },
    );
    return { code, out: out.text(), err: err.text() };
  }

  it("goes through the admin API with the generated admin key, and the new account signs in", async () => {
    const result = await add("bea@example.com", {});
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toContain("through the running instance");
    const signIn = await fetch(`${running.url}/v1/staff/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "bea@example.com", password: "support password 1" }),
    });
    expect(signIn.status).toBe(200);
    expect((await add("bea@example.com", {})).err).toContain("already exists");
  });

  it("says so when the instance refuses the key", async () => {
    const result = await add("cid@example.com", { ADMIN_API_KEYS: "ops:not-the-right-key-0000" });
    expect(result.code).toBe(1);
    expect(result.err).toContain("refused the admin API key");
  });
});
