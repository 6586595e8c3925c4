import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Database, openDatabase } from "@loginguard/db";
import { silentLogger } from "@loginguard/observability";
import { testEnv } from "@loginguard/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { BusRecord } from "../src/bus";
import { createEmbeddedBus, type EmbeddedBus } from "../src/embedded/index";
import { type Child, collector, spawnFixture } from "./embedded-fixture";

const TOPIC = "crash";
const GROUP = "crash-g";

/** Acknowledged numbers ("A" lines) and, per partition, the offsets handled ("C" lines). */
function parse(lines: string[]) {
  const acknowledged: number[] = [];
  const handled = new Map<number, number[]>();
  for (const line of lines) {
    if (line.startsWith("A ")) acknowledged.push(...line.slice(2).split(",").map(Number));
    else if (line.startsWith("C ")) {
      const [, partition, items] = line.split(" ");
      const offsets = (items ?? "").split(",").map((item) => Number(item.split(":")[0]));
      handled.set(Number(partition), [...(handled.get(Number(partition)) ?? []), ...offsets]);
    }
  }
  return { acknowledged, handled };
}

/** Consumes `group` until its lag is 0 on every partition (nothing new is being written). */
async function drainGroup(bus: EmbeddedBus, group: string): Promise<BusRecord[]> {
  const c = collector();
  const sub = await bus.subscribe({ group, topics: [TOPIC], handleBatch: async (b) => c.add(b.records) });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const lag = await bus.lag(group);
    if (lag.length > 0 && lag.every((p) => p.lag === 0)) break;
    if (Date.now() > deadline) throw new Error(`group ${group} did not catch up: ${JSON.stringify(lag)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await sub.stop();
  return c.seen;
}

describe("embedded log under kill -9", () => {
  let dir: string | undefined;
  let child: Child | undefined;
  let db: Database | undefined;

  afterEach(async () => {
    await child?.kill9();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every acknowledged record and redelivers what the group had not committed", async () => {
    dir = mkdtempSync(join(testEnv.tmpRoot, "loginguard-embedded-crash-"));
    child = spawnFixture("embedded-crash-child", [dir]);
    await child.waitFor((lines) => lines.includes("ready"));
    // Mid-stream: plenty acknowledged and consumed, publishers and consumer still busy.
    await child.waitFor((lines) => {
      const { acknowledged, handled } = parse(lines);
      return acknowledged.length >= 3000 && [...handled.values()].flat().length >= 1000;
    });
    await child.kill9();
    const before = parse(child.lines);

    // The dead process's lock and PGlite's postmaster.pid are taken over on open.
    db = await openDatabase({ dataDir: dir });
    const bus = await createEmbeddedBus({ db, logger: silentLogger() });

    // 1. Every acknowledged record is in the log, once, at dense offsets.
    const all = await drainGroup(bus, "verify");
    const stored = all.map((r) => Number(r.headers.n));
    expect(new Set(stored).size).toBe(stored.length);
    const storedSet = new Set(stored);
    expect(before.acknowledged.filter((n) => !storedSet.has(n))).toEqual([]);
    for (let p = 0; p < 4; p++) {
      const offsets = all.filter((r) => r.partition === p).map((r) => Number(r.offset));
      expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i));
    }

    // 2. The group resumes at or before the first record it had not finished: nothing skipped;
    //    what it handled but had not committed comes again (at-least-once).
    const after = await drainGroup(bus, GROUP);
    let redelivered = 0;
    for (let p = 0; p < 4; p++) {
      const handledBefore = before.handled.get(p) ?? [];
      const lastBefore = handledBefore.length > 0 ? Math.max(...handledBefore) : -1;
      const resumed = after.filter((r) => r.partition === p).map((r) => Number(r.offset));
      const end = all.filter((r) => r.partition === p).length;
      if (resumed.length > 0) {
        expect(resumed[0]!).toBeLessThanOrEqual(lastBefore + 1);
        expect(resumed).toEqual(Array.from({ length: resumed.length }, (_, i) => resumed[0]! + i));
        expect(resumed.at(-1)).toBe(end - 1);
        redelivered += resumed.filter((o) => o <= lastBefore).length;
      } else {
        expect(lastBefore).toBe(end - 1);
      }
    }
    const consumed = new Set([
      ...[...before.handled].flatMap(([p, offsets]) =>
        offsets.map((o) => all.find((r) => r.partition === p && Number(r.offset) === o)?.headers.n),
      ),
      ...after.map((r) => r.headers.n),
    ]);
    expect(before.acknowledged.filter((n) => !consumed.has(String(n)))).toEqual([]);

    // 3. The log goes on where it stopped.
    await bus.publish([{ topic: TOPIC, key: "acc-1", value: Buffer.from("after"), headers: { n: "-1" } }]);
    const more = await drainGroup(bus, GROUP);
    expect(more.map((r) => r.headers.n)).toEqual(["-1"]);
    expect(Number(more[0]!.offset)).toBe(all.filter((r) => r.partition === more[0]!.partition).length);
    await bus.close();
    console.info(
      `crash test: ${before.acknowledged.length} acknowledged, ${stored.length} stored, ${redelivered} redelivered to the group`,
    );
  });
});
