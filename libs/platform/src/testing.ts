import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Bus, type BusRecord, createKafkaBus, type Subscription } from "@loginguard/bus";
import { silentLogger } from "@loginguard/observability";
import { openPlatform, type Platform } from "./open-platform";

/** The real embedded event log on PGlite in a temporary directory, plus a reader of topics. */
export interface EmbeddedLogFixture {
  /** Closes the event log's database under it, as when the disk or database fails. */
  closeDatabase(): Promise<void>;
  bus: Bus;
  /** Everything read so far from the watched topics, in arrival order. */
  seen: BusRecord[];
  /** Starts a consumer group of its own on `topics` that appends to `seen`. */
  watch(topics: string[]): Promise<Subscription>;
  /** Waits until `find` returns something (20 s at most). */
  until<T>(find: () => T | undefined, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** `label` names the temporary directory (`loginguard-<label>-...`). */
export async function openEmbeddedLog(topics: string[], label = "test"): Promise<EmbeddedLogFixture> {
  const dir = mkdtempSync(join(tmpdir(), `loginguard-${label}-`));
  // The platform opens exactly what embedded mode runs on: PGlite in the directory, the log on it.
  const platform: Platform = await openPlatform({
    service: "test",
    dataDir: dir,
    needsDatabase: false,
    logger: silentLogger(),
  });
  const bus = platform.bus;
  await bus.ensureTopics(topics.map((name) => ({ name, partitions: 4 })));
  const seen: BusRecord[] = [];
  const subscriptions: Subscription[] = [];
  let watchers = 0;
  return {
    closeDatabase: async () => {
      await platform.db?.close();
    },
    bus,
    seen,
    async watch(watched) {
      const s = await bus.subscribe({
        group: `test-watcher-${++watchers}`,
        topics: watched,
        handleBatch: async (batch) => {
          seen.push(...batch.records);
        },
      });
      subscriptions.push(s);
      return s;
    },
    async until(find, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = find();
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`timed out; saw ${seen.length} record(s)`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const s of subscriptions) await s.stop().catch(() => {});
      await platform.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A Kafka Bus with the timing tests want on the Apache Kafka test cluster: groups that
 * rebalance in seconds, short fetch waits, patient retries while a broker is down.
 */
export function createTestKafkaBus(brokers: string[], clientId: string): Bus {
  return createKafkaBus({
    brokers,
    clientId,
    logger: silentLogger(),
    sessionTimeoutMs: 3_000,
    heartbeatIntervalMs: 300,
    rebalanceTimeoutMs: 5_000,
    maxWaitTimeMs: 50,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
  });
}
