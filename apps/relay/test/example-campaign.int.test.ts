import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type CloudEvent, deriveEventId, EVENT_TYPES, newEventId, TOPICS } from "@loginguard/events";
import { silentLogger } from "@loginguard/observability";
import { openPlatform, type Platform } from "@loginguard/platform";
import { testEnv } from "@loginguard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeFilesIn } from "../src/routes/load";
import { createRelayService, type RelayService } from "../src/service";
import { publishEvents, watchTopic } from "./relay-fixtures";

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** A login as ingest would publish it. */
function login(accountId: string, result: "success" | "failure"): CloudEvent {
  const id = newEventId();
  const now = new Date().toISOString();
  return {
    id,
    type: EVENT_TYPES.loginAttempted,
    source: "loginguard/ingest",
    time: now,
    subject: accountId,
    correlationId: id,
    data: {
      eventId: id,
      accountId,
      occurredAt: now,
      ip: "175.223.10.4",
      result,
      gameId: "game-1",
      receivedAt: now,
      source: "test",
    },
  };
}

/**
 * examples/password-change-campaign as a team would run it: its own process with no Kafka code,
 * joined to the flow by the two checked-in routes (only their host:port rewritten), on the
 * embedded log as `npm start` opens it.
 */
describe("the password-change campaign example behind the checked-in routes", () => {
  const root = mkdtempSync(join(testEnv.tmpRoot, "loginguard-campaign-"));
  let example: ChildProcess;
  let url: string;
  let platform: Platform;
  let relay: RelayService;

  beforeAll(async () => {
    const campaignFile = join(root, "campaign.json");
    writeFileSync(
      campaignFile,
      JSON.stringify({
        name: "test-campaign",
        accounts: ["player-1001", "player-2001"],
        message: { en: "Change it" },
      }),
    );
    example = spawn(process.execPath, [repo("examples/password-change-campaign/server.mjs")], {
      env: { PATH: process.env.PATH, PORT: "0", CAMPAIGN_FILE: campaignFile },
      stdio: ["ignore", "pipe", "inherit"],
    });
    url = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: example.stdout! });
      lines.on("line", (line) => {
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match?.[1]) resolve(match[1]);
      });
      example.once("exit", (code) => reject(new Error(`the example exited (${code})`)));
    });

    const routesDir = join(root, "routes");
    mkdirSync(routesDir);
    for (const file of routeFilesIn(repo("examples/password-change-campaign/routes"))) {
      if (!basename(file).startsWith("password-change-")) continue;
      writeFileSync(
        join(routesDir, basename(file)),
        readFileSync(file, "utf8").replaceAll("http://127.0.0.1:8090", url),
      );
    }
    platform = await openPlatform({
      service: "relay-test",
      dataDir: join(root, "data"),
      needsDatabase: false,
      logger: silentLogger(),
    });
    relay = createRelayService({
      bus: platform.bus,
      config: {
        routesDir,
        topicsFile: repo("infra/topics.json"),
        reloadIntervalMs: 5000,
        adminKeys: new Map(),
        secret: () => undefined,
      },
      logger: silentLogger(),
    });
    await relay.start();
  });
  afterAll(async () => {
    await relay?.stop();
    await platform?.close();
    if (example && example.exitCode === null) {
      const exited = new Promise((resolve) => example.once("exit", resolve));
      example.kill("SIGTERM");
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  });

  it("prompts campaign members at a successful login and delivers each prompt to /prompted once", async () => {
    expect(relay.routeStatus().map((s) => [basename(s.file), s.state])).toEqual([
      ["password-change-campaign.json", "running"],
      ["password-change-prompted.json", "running"],
    ]);
    const prompts = await watchTopic(platform.bus, "campaign.password-change");
    const member = login("player-1001", "success");
    const logins = [
      member,
      login("player-1001", "failure"),
      login("player-3000", "success"),
      login("player-2001", "success"),
    ];
    await publishEvents(platform.bus, TOPICS.loginAttempted, logins);

    type Prompted = {
      prompted: Array<{ id: string; accountId: string; correlationId: string; campaign: string }>;
    };
    let seen: Prompted["prompted"] = [];
    const poll = async () => {
      seen = ((await (await fetch(`${url}/prompted`)).json()) as Prompted).prompted;
    };
    const deadline = Date.now() + 30_000;
    while (seen.length < 2 && Date.now() < deadline) {
      await poll();
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300));
    await poll();
    expect(seen.map((p) => p.accountId).sort()).toEqual(["player-1001", "player-2001"]);
    const first = seen.find((p) => p.accountId === "player-1001")!;
    expect(first.correlationId).toBe(member.correlationId);
    expect(first.campaign).toBe("test-campaign");
    expect(first.id).toBe(deriveEventId("relay-password-change-campaign", member.id, "answer"));

    await prompts.until(() => prompts.records.length >= 2, "the prompt events");
    const event = prompts.events().find((e) => e.subject === "player-1001")!;
    expect(event).toMatchObject({
      type: "campaign.password-change.prompted",
      source: "urn:example:password-change-campaign",
      correlationId: member.correlationId,
      data: { accountId: "player-1001", loginEventId: member.id, campaign: "test-campaign" },
    });
    // Created on first use with infra/topics.json's defaults.
    const topic = (await platform.bus.listTopics()).find((t) => t.name === "campaign.password-change");
    expect(topic?.partitions).toBe(12);
    await prompts.stop();
  });
});
