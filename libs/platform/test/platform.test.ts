import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@loginguard/observability";
import { afterAll, describe, expect, it } from "vitest";
import { loadPlatformEnv, openPlatform, platformOptionsFromEnv } from "../src/index";

describe("platform environment", () => {
  it("defaults to embedded mode on ./data and port 8080", () => {
    const env = loadPlatformEnv({});
    expect(env).toMatchObject({ PORT: 8080, DATA_DIR: "./data", LOG_LEVEL: "info", NODE_ENV: "development" });
    expect(platformOptionsFromEnv(env)).toMatchObject({ kafkaBrokers: undefined, databaseUrl: undefined });
  });

  it("takes Kafka, PostgreSQL and group timing from the variables", () => {
    const env = loadPlatformEnv({
      KAFKA_BROKERS: "k1:9092,k2:9092",
      DATABASE_URL: "postgres://app@127.0.0.1:5433/loginguard",
      KAFKA_SESSION_TIMEOUT_MS: "6000",
    });
    expect(platformOptionsFromEnv(env)).toEqual({
      kafkaBrokers: ["k1:9092", "k2:9092"],
      databaseUrl: "postgres://app@127.0.0.1:5433/loginguard",
      dataDir: "./data",
      kafkaGroupTiming: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 3000 },
    });
  });

  it("refuses a database URL of another kind, naming the variable", () => {
    expect(() => loadPlatformEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: expected postgres/);
  });
});

describe("openPlatform", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses distributed mode without DATABASE_URL for a service that needs a database", async () => {
    await expect(
      openPlatform({
        service: "logger",
        kafkaBrokers: ["127.0.0.1:1"],
        dataDir: "unused",
        needsDatabase: true,
      }),
    ).rejects.toThrow(/logger needs DATABASE_URL in distributed mode/);
  });

  it("opens the embedded log on PGlite, ready, and passes records through it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loginguard-platform-"));
    dirs.push(dir);
    const platform = await openPlatform({
      service: "test",
      dataDir: dir,
      needsDatabase: true,
      logger: silentLogger(),
    });
    try {
      expect(platform.mode).toBe("embedded");
      expect(platform.db?.kind).toBe("pglite");
      for (const check of Object.values(platform.readiness)) await check();
      expect(Object.keys(platform.readiness).sort()).toEqual(["database", "eventLog"]);
      await platform.bus.ensureTopics([{ name: "platform.test", partitions: 1 }]);
      await platform.bus.publish([
        { topic: "platform.test", key: "k", value: Buffer.from("v"), headers: {} },
      ]);
      const seen: string[] = [];
      const sub = await platform.bus.subscribe({
        group: "platform-test",
        topics: ["platform.test"],
        handleBatch: async (batch) => {
          for (const r of batch.records) seen.push(r.value?.toString() ?? "");
        },
      });
      const deadline = Date.now() + 20_000;
      while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await sub.stop();
      expect(seen).toEqual(["v"]);
    } finally {
      await platform.close();
    }
  });
});
