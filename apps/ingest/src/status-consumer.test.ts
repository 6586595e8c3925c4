import type { OutgoingRecord } from "@loginguard/bus";
import { TOPICS } from "@loginguard/events";
import { silentLogger } from "@loginguard/observability";
import { describe, expect, it } from "vitest";
import { accountChangedRecord, LOCKED } from "../test/events";
import { MemoryBus } from "../test/memory-bus";
import { StatusCache } from "./status-cache";
import { startStatusConsumer } from "./status-consumer";

const UNLOCKED = { ...LOCKED, locked: false, lockedAt: null, reason: null };

function withType(record: OutgoingRecord, type: string): OutgoingRecord {
  return { ...record, headers: { ...record.headers, ce_type: type } };
}

describe("status consumer", () => {
  it("replays from the beginning, applies changes in order and skips records it cannot use", async () => {
    const bus = new MemoryBus();
    await bus.publish([
      accountChangedRecord("a", LOCKED, "c1"),
      accountChangedRecord("b", LOCKED, "c2"),
      {
        topic: TOPICS.accountChanged,
        key: "x",
        value: Buffer.from("{}"),
        headers: { ce_specversion: "1.0" },
      },
      withType(accountChangedRecord("c", LOCKED, "c3"), "loginguard.account.changed.v2"),
    ]);
    const cache = new StatusCache({ maxAccounts: 10, maxFlaggedIps: 10 });
    const consumer = await startStatusConsumer(bus, cache, { group: "g", logger: silentLogger() });
    expect(cache.accountCount).toBe(2);
    expect(consumer.skipped).toBe(2);
    expect(consumer.isWarm()).toBe(true);

    await bus.publish([accountChangedRecord("a", UNLOCKED, "c4")]);
    expect(JSON.parse(cache.statusJson("a")).locked).toBe(false);
    expect(JSON.parse(cache.statusJson("b")).locked).toBe(true);
    await consumer.stop();
  });

  it("forgets an erased account on its tombstone (a keyed record without a value)", async () => {
    const bus = new MemoryBus();
    await bus.publish([accountChangedRecord("a", LOCKED, "c1"), accountChangedRecord("b", LOCKED, "c2")]);
    const cache = new StatusCache({ maxAccounts: 10, maxFlaggedIps: 10 });
    const consumer = await startStatusConsumer(bus, cache, { group: "g", logger: silentLogger() });
    expect(JSON.parse(cache.statusJson("a")).locked).toBe(true);
    await bus.publish([{ topic: TOPICS.accountChanged, key: "a", value: null, headers: {} }]);
    expect(JSON.parse(cache.statusJson("a")).locked).toBe(false);
    expect(JSON.parse(cache.statusJson("b")).locked).toBe(true);
    expect(consumer.skipped).toBe(0);
    await consumer.stop();
  });

  it("is warm at once on empty topics, and applies only newer versions", async () => {
    const bus = new MemoryBus();
    const cache = new StatusCache({ maxAccounts: 10, maxFlaggedIps: 10 });
    const consumer = await startStatusConsumer(bus, cache, { group: "g", logger: silentLogger() });
    expect(consumer.isWarm()).toBe(true);
    await bus.publish([
      accountChangedRecord("a", LOCKED, "v1", 1),
      accountChangedRecord("a", UNLOCKED, "v2", 2),
      accountChangedRecord("a", LOCKED, "v1", 1),
    ]);
    expect(JSON.parse(cache.statusJson("a")).locked).toBe(false);
    expect(consumer.stale).toBe(1);
    await consumer.stop();
  });
});
