import type { Database } from "@loginguard/db";
import { LoginGuardError } from "@loginguard/errors";
import { silentLogger } from "@loginguard/observability";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusRecord, OutgoingRecord, Subscription } from "../src/bus";
import {
  createEmbeddedBus,
  type EmbeddedBus,
  type EmbeddedBusOptions,
  partitionForKey,
} from "../src/embedded/index";
import { collector, faultyDatabase, numbered, numberOf, sleep } from "./embedded-fixture";

/** A place a database lives: opened again after a close, as a restarted process would. */
export interface TestStorage {
  open(): Promise<Database>;
  cleanup(): Promise<void>;
}

/** Engine settings that make the tests fast and prove wake-ups (the idle poll is a minute). */
const TEST_OPTIONS: Omit<EmbeddedBusOptions, "db"> = {
  logger: silentLogger(),
  retentionIntervalMs: 100,
  idlePollMs: 60_000,
  redeliveryBackoffMs: { initial: 20, max: 100 },
};

let seq = 0;
const freshName = (label: string) => `emb-${label}-${process.pid}-${++seq}`;

/**
 * The embedded driver's own promises, on any database: `newStorage` gives an empty one (PGlite in
 * a temporary directory, or a PostgreSQL database).
 */
export function embeddedBusSuite(label: string, newStorage: () => Promise<TestStorage>): void {
  describe(`embedded bus on ${label}`, () => {
    let storage: TestStorage;
    let db: Database;
    let bus: EmbeddedBus;
    const subscriptions: Subscription[] = [];

    const subscribe = async (...args: Parameters<EmbeddedBus["subscribe"]>) => {
      const sub = await bus.subscribe(...args);
      subscriptions.push(sub);
      return sub;
    };

    beforeAll(async () => {
      storage = await newStorage();
      db = await storage.open();
      bus = await createEmbeddedBus({ db, ...TEST_OPTIONS });
    });

    afterAll(async () => {
      for (const s of subscriptions) await s.stop();
      await bus?.close();
      await db?.close();
      await storage?.cleanup();
    });

    it("round-trips keys, headers and binary values exactly", async () => {
      const topic = freshName("roundtrip");
      await bus.ensureTopics([{ name: topic, partitions: 3 }]);
      const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const sent: OutgoingRecord[] = [
        { topic, key: "계정-1 ✓", value: allBytes, headers: { ce_id: "id-1", "x-한글": "값 ✓", empty: "" } },
        { topic, key: null, value: null, headers: {} },
        {
          topic,
          key: "",
          value: Buffer.alloc(0),
          headers: { ce_type: "t", "content-type": "application/json" },
        },
        { topic, key: "big", value: Buffer.alloc(300_000, 0xab), headers: { n: "3" } },
      ];
      const c = collector();
      await subscribe({ group: `${topic}-g`, topics: [topic], handleBatch: async (b) => c.add(b.records) });
      const before = Date.now();
      await bus.publish(sent);
      const after = Date.now();
      await c.until(() => c.seen.length >= sent.length);
      for (const s of sent) {
        const got = c.seen.find(
          (r) => r.key === s.key && (r.value?.length ?? -1) === (s.value?.length ?? -1),
        );
        expect(got, `record with key ${s.key}`).toBeDefined();
        expect(got!.headers).toEqual(s.headers);
        if (s.value === null) expect(got!.value).toBeNull();
        else expect(Buffer.compare(got!.value!, s.value)).toBe(0);
        expect(got!.topic).toBe(topic);
        expect(got!.timestamp).toBeGreaterThanOrEqual(before);
        expect(got!.timestamp).toBeLessThanOrEqual(after);
        expect(got!.offset).toMatch(/^\d+$/);
        if (s.key !== null) expect(got!.partition).toBe(partitionForKey(s.key, 3));
      }
    });

    it("keeps per-key order over many keys and concurrent publishers", async () => {
      const topic = freshName("order");
      await bus.ensureTopics([{ name: topic, partitions: 6 }]);
      const c = collector();
      await subscribe({
        group: `${topic}-g`,
        topics: [topic],
        maxBatchRecords: 100,
        handleBatch: async (b) => c.add(b.records),
      });
      const total = 4000;
      const keys = Array.from({ length: 200 }, (_, i) => `acc-${i}`);
      await Promise.all(
        Array.from({ length: 32 }, async (_, w) => {
          for (let n = w; n < total; n += 32) await bus.publish([numbered(topic, keys[n % keys.length]!, n)]);
        }),
      );
      await c.until(() => c.seen.length >= total);
      expect(new Set(c.seen.map(numberOf)).size).toBe(total);
      const last = new Map<string, number>();
      for (const r of c.seen) {
        expect(numberOf(r)).toBeGreaterThan(last.get(r.key!) ?? -1);
        last.set(r.key!, numberOf(r));
        expect(r.partition).toBe(partitionForKey(r.key!, 6));
      }
      // Offsets of a partition are dense and in order.
      for (let p = 0; p < 6; p++) {
        const offsets = c.seen.filter((r) => r.partition === p).map((r) => Number(r.offset));
        expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i));
      }
    });

    it("round-robins records without a key", async () => {
      const topic = freshName("nokey");
      await bus.ensureTopics([{ name: topic, partitions: 4 }]);
      await bus.publish(Array.from({ length: 8 }, (_, n) => numbered(topic, null, n)));
      const c = collector();
      await subscribe({ group: `${topic}-g`, topics: [topic], handleBatch: async (b) => c.add(b.records) });
      await c.until(() => c.seen.length >= 8);
      const perPartition = [0, 1, 2, 3].map((p) => c.seen.filter((r) => r.partition === p).length);
      expect(perPartition).toEqual([2, 2, 2, 2]);
    });

    it("splits a group between members, hands partitions over without overlap, and loses nothing", async () => {
      const topic = freshName("group");
      const group = `${topic}-g`;
      await bus.ensureTopics([{ name: topic, partitions: 6 }]);
      const seen: Array<{ member: string; record: BusRecord }> = [];
      const active = new Set<number>();
      let overlaps = 0;
      const handler = (member: string) => async (b: { partition: number; records: BusRecord[] }) => {
        if (active.has(b.partition)) overlaps++;
        active.add(b.partition);
        await sleep(2);
        for (const record of b.records) seen.push({ member, record });
        active.delete(b.partition);
      };
      const a = await bus.subscribe({
        group,
        topics: [topic],
        maxBatchRecords: 20,
        handleBatch: handler("a"),
      });
      let n = 0;
      let publishing = true;
      const producer = (async () => {
        while (publishing) {
          await bus.publish(Array.from({ length: 10 }, () => numbered(topic, `k-${n % 50}`, n++)));
          await sleep(1);
        }
      })();
      await sleep(200);
      const b = await bus.subscribe({
        group,
        topics: [topic],
        maxBatchRecords: 20,
        handleBatch: handler("b"),
      });
      await sleep(300);
      const partsA = new Set(seen.filter((s) => s.member === "a").map((s) => s.record.partition));
      const partsB = new Set(seen.filter((s) => s.member === "b").map((s) => s.record.partition));
      expect(partsB.size).toBeGreaterThan(0);
      await a.stop(); // a's partitions move to b
      await sleep(200);
      publishing = false;
      await producer;
      const total = n;
      const deadline = Date.now() + 20_000;
      while (new Set(seen.map((s) => numberOf(s.record))).size < total && Date.now() < deadline)
        await sleep(20);
      await b.stop();
      const numbers = seen.map((s) => numberOf(s.record));
      expect(new Set(numbers).size).toBe(total);
      // Every handover waited for the batch in flight and its commit: nothing came twice.
      expect(numbers.length).toBe(total);
      expect(overlaps).toBe(0);
      expect(partsA.size + partsB.size).toBeGreaterThanOrEqual(6);
      // After a left, b got everything.
      const late = seen.slice(-20);
      expect(late.every((s) => s.member === "b")).toBe(true);
    });

    it("delivers a batch again after its handler threw, without skipping or reordering", async () => {
      const topic = freshName("retry");
      await bus.ensureTopics([{ name: topic, partitions: 1 }]);
      await bus.publish(Array.from({ length: 30 }, (_, n) => numbered(topic, "k", n)));
      const c = collector();
      let throws = 3;
      const firstOffsets: string[] = [];
      await subscribe({
        group: `${topic}-g`,
        topics: [topic],
        maxBatchRecords: 10,
        handleBatch: async (b) => {
          if (numberOf(b.records[0]!) === 10 && throws-- > 0) {
            firstOffsets.push(b.records[0]!.offset);
            throw new Error("transient");
          }
          c.add(b.records);
        },
      });
      await c.until(() => c.seen.length >= 30);
      expect(throws).toBe(-1);
      expect(firstOffsets).toEqual(["10", "10", "10"]);
      expect(c.seen.map(numberOf)).toEqual(Array.from({ length: 30 }, (_, n) => n));
    });

    it("stop() lets the batch in flight finish and commits it", async () => {
      const topic = freshName("stop");
      const group = `${topic}-g`;
      await bus.ensureTopics([{ name: topic, partitions: 1 }]);
      await bus.publish(Array.from({ length: 5 }, (_, n) => numbered(topic, "k", n)));
      let release!: () => void;
      const released = new Promise<void>((r) => {
        release = r;
      });
      let started!: () => void;
      const inFlight = new Promise<void>((r) => {
        started = r;
      });
      const states: Array<{ running: boolean; aborted: boolean }> = [];
      let finished = false;
      const sub = await bus.subscribe({
        group,
        topics: [topic],
        handleBatch: async (_b, control) => {
          started();
          await released;
          states.push({ running: control.isRunning(), aborted: control.signal.aborted });
          finished = true;
        },
      });
      await inFlight;
      const stopping = sub.stop();
      await sleep(50);
      expect(finished).toBe(false);
      release();
      await stopping;
      expect(finished).toBe(true);
      expect(states).toEqual([{ running: false, aborted: true }]);

      await bus.publish([numbered(topic, "k", 5)]);
      const c = collector();
      await subscribe({ group, topics: [topic], handleBatch: async (b) => c.add(b.records) });
      await c.until(() => c.seen.length >= 1);
      await sleep(100);
      expect(c.seen.map(numberOf)).toEqual([5]);
    });

    it("wakes an idle subscriber as soon as a record is written", async () => {
      const topic = freshName("wake");
      await bus.ensureTopics([{ name: topic, partitions: 2 }]);
      const c = collector();
      const arrivals: number[] = [];
      await subscribe({
        group: `${topic}-g`,
        topics: [topic],
        handleBatch: async (b) => {
          arrivals.push(Date.now());
          c.add(b.records);
        },
      });
      await sleep(300); // idle: its workers wait for a wake-up (the fallback poll is a minute here)
      for (let i = 0; i < 3; i++) {
        const sent = Date.now();
        await bus.publish([numbered(topic, `k${i}`, i)]);
        await c.until(() => c.seen.length > i, 5000);
        // A generous bound: it only catches a missing wake-up, it is not a performance test.
        expect(arrivals[i]! - sent).toBeLessThan(500);
      }
    });

    it("deletes records older than the topic's retention, keeping each partition's end", async () => {
      const topic = freshName("retention");
      await bus.ensureTopics([{ name: topic, partitions: 1, retentionMs: 200 }]);
      await bus.publish([numbered(topic, "k", 0), numbered(topic, "k", 1)]);
      await bus.publish([numbered(topic, "k", 2)]);
      await sleep(600); // retention runs every 100 ms in these tests
      await bus.publish([numbered(topic, "k", 3)]);
      const c = collector();
      await subscribe({ group: `${topic}-g`, topics: [topic], handleBatch: async (b) => c.add(b.records) });
      await c.until(() => c.seen.some((r) => numberOf(r) === 3));
      await sleep(100);
      // 0 and 1 (one chunk) expired; 2 expired too but was the partition's newest chunk until 3 came.
      const numbers = c.seen.map(numberOf);
      expect(numbers).not.toContain(0);
      expect(numbers).not.toContain(1);
      expect(numbers.at(-1)).toBe(3);
      expect(c.seen.at(-1)!.offset).toBe("3");
    });

    it("ensureTopics creates, is idempotent, raises partitions and never lowers them", async () => {
      const topic = freshName("ensure");
      expect(await bus.ensureTopics([{ name: topic, partitions: 2 }])).toEqual([
        { name: topic, action: "created", partitions: 2 },
      ]);
      expect(await bus.ensureTopics([{ name: topic, partitions: 2 }])).toEqual([
        { name: topic, action: "unchanged", partitions: 2 },
      ]);
      const c = collector();
      await subscribe({ group: `${topic}-g`, topics: [topic], handleBatch: async (b) => c.add(b.records) });
      expect(await bus.ensureTopics([{ name: topic, partitions: 5 }])).toEqual([
        { name: topic, action: "partitions_added", partitions: 5 },
      ]);
      expect(await bus.ensureTopics([{ name: topic, partitions: 3 }])).toEqual([
        { name: topic, action: "unchanged", partitions: 5 },
      ]);
      expect((await bus.listTopics()).find((t) => t.name === topic)).toEqual({ name: topic, partitions: 5 });
      // The running group picks up the new partitions; keys now map over 5 partitions, as on Kafka.
      const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
      await bus.publish(keys.map((k, n) => numbered(topic, k, n)));
      await c.until(() => c.seen.length >= keys.length);
      expect(new Set(c.seen.map((r) => r.partition)).size).toBe(5);
      for (const r of c.seen) expect(r.partition).toBe(partitionForKey(r.key!, 5));
    });

    it("creates a topic on first publish or subscribe, with the default partitions", async () => {
      const published = freshName("auto-pub");
      const subscribed = freshName("auto-sub");
      await bus.publish([numbered(published, "k", 1)]);
      const c = collector();
      await subscribe({
        group: `${subscribed}-g`,
        topics: [subscribed],
        handleBatch: async (b) => c.add(b.records),
      });
      const topics = await bus.listTopics();
      expect(topics.find((t) => t.name === published)).toEqual({ name: published, partitions: 4 });
      expect(topics.find((t) => t.name === subscribed)).toEqual({ name: subscribed, partitions: 4 });
      await bus.publish([numbered(subscribed, "k", 2)]);
      await c.until(() => c.seen.length >= 1);
    });

    it("starts a new group at the end when fromBeginning is false, and keeps that start", async () => {
      const topic = freshName("latest");
      const group = `${topic}-g`;
      await bus.ensureTopics([{ name: topic, partitions: 2 }]);
      await bus.publish(Array.from({ length: 10 }, (_, n) => numbered(topic, `k${n}`, n)));
      const first = await bus.subscribe({
        group,
        topics: [topic],
        fromBeginning: false,
        handleBatch: async () => {},
      });
      await first.stop();
      await bus.publish([numbered(topic, "k1", 10), numbered(topic, "k2", 11)]);
      const c = collector();
      await subscribe({
        group,
        topics: [topic],
        fromBeginning: false,
        handleBatch: async (b) => c.add(b.records),
      });
      await c.until(() => c.seen.length >= 2);
      await sleep(100);
      expect(c.seen.map(numberOf).sort()).toEqual([10, 11]);
    });

    it("reports each partition's committed and end offsets", async () => {
      const topic = freshName("lag");
      const group = `${topic}-g`;
      await bus.ensureTopics([{ name: topic, partitions: 1 }]);
      await bus.publish(Array.from({ length: 10 }, (_, n) => numbered(topic, "k", n)));
      const c = collector();
      const sub = await bus.subscribe({
        group,
        topics: [topic],
        handleBatch: async (b) => {
          c.add(b.records);
        },
      });
      await c.until(() => c.seen.length >= 10);
      await sub.stop();
      await bus.publish(Array.from({ length: 5 }, (_, n) => numbered(topic, "k", 10 + n)));
      expect(await bus.lag(group)).toEqual([{ topic, partition: 0, committed: 10, end: 15, lag: 5 }]);
    });

    it("refuses bad topic names and oversized records as permanent errors", async () => {
      const bad = await bus.publish([numbered("no spaces allowed", "k", 1)]).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(LoginGuardError);
      expect((bad as LoginGuardError).retryable).toBe(false);
      const topic = freshName("big");
      const big = await bus
        .publish([{ topic, key: "k", value: Buffer.alloc(2_000_000), headers: {} }])
        .catch((e: unknown) => e);
      expect((big as LoginGuardError).code).toBe("record_too_large");
      expect((big as LoginGuardError).retryable).toBe(false);
    });

    it("keeps committed offsets and end offsets across a restart on the same storage", async () => {
      const own = await newStorage();
      try {
        let ownDb = await own.open();
        let ownBus = await createEmbeddedBus({ db: ownDb, ...TEST_OPTIONS });
        const topic = freshName("restart");
        const group = `${topic}-g`;
        await ownBus.ensureTopics([{ name: topic, partitions: 2 }]);
        await ownBus.publish(Array.from({ length: 100 }, (_, n) => numbered(topic, `k${n % 9}`, n)));
        const first = collector();
        const sub = await ownBus.subscribe({
          group,
          topics: [topic],
          maxBatchRecords: 10,
          // Everything from 80 on fails: handled, never committed.
          handleBatch: async (b) => {
            if (b.records.some((r) => numberOf(r) >= 80)) throw new Error("not now");
            first.add(b.records);
          },
        });
        await first.until(() => first.seen.length >= 70);
        await sleep(200);
        await sub.stop();
        await ownBus.close();
        await ownDb.close();

        ownDb = await own.open();
        ownBus = await createEmbeddedBus({ db: ownDb, ...TEST_OPTIONS });
        await ownBus.publish(Array.from({ length: 20 }, (_, n) => numbered(topic, `k${n % 9}`, 100 + n)));
        const second = collector();
        const sub2 = await ownBus.subscribe({
          group,
          topics: [topic],
          handleBatch: async (b) => second.add(b.records),
        });
        const committedBefore = new Set(first.seen.map(numberOf));
        await second.until(() => second.seen.length >= 120 - committedBefore.size);
        await sleep(100);
        const again = second.seen.map(numberOf);
        // Nothing committed came again; everything else did, exactly once.
        expect(again.filter((n) => committedBefore.has(n))).toEqual([]);
        expect(new Set([...committedBefore, ...again]).size).toBe(120);
        expect(again.length).toBe(120 - committedBefore.size);
        // Offsets continued after the restart instead of starting over.
        for (let p = 0; p < 2; p++) {
          const offsets = [...first.seen, ...second.seen]
            .filter((r) => r.partition === p)
            .map((r) => Number(r.offset))
            .sort((x, y) => x - y);
          expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i));
        }
        await sub2.stop();
        await ownBus.close();
        await ownDb.close();
      } finally {
        await own.cleanup();
      }
    });

    it("rejects a failed write as retryable, then carries on with dense offsets", async () => {
      const own = await newStorage();
      const real = await own.open();
      const faulty = faultyDatabase(real);
      try {
        const ownBus = await createEmbeddedBus({ db: faulty.db, ...TEST_OPTIONS });
        const topic = freshName("fault");
        await ownBus.ensureTopics([{ name: topic, partitions: 1 }]);
        const c = collector();
        const sub = await ownBus.subscribe({
          group: `${topic}-g`,
          topics: [topic],
          handleBatch: async (b) => c.add(b.records),
        });
        await ownBus.publish([numbered(topic, "k", 0), numbered(topic, "k", 1)]);
        faulty.setFailing(true);
        const err = await ownBus.publish([numbered(topic, "k", 99)]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LoginGuardError);
        expect((err as LoginGuardError).retryable).toBe(true);
        faulty.setFailing(false);
        await ownBus.publish([numbered(topic, "k", 2)]);
        await c.until(() => c.seen.length >= 3);
        expect(c.seen.map((r) => [numberOf(r), r.offset])).toEqual([
          [0, "0"],
          [1, "1"],
          [2, "2"],
        ]);
        await sub.stop();
        await ownBus.close();
      } finally {
        await real.close();
        await own.cleanup();
      }
    });
  });
}
