import { randomUUID } from "node:crypto";
import type { Bus, BusRecord } from "../bus";

/** Each partition's end offset of a topic, in partition order (from the driver's own admin view). */
export type EndOffsets = (topic: string) => Promise<number[]>;

/** A consumer group's committed offset per partition of a topic (null: nothing committed there). */
export type CommittedOffsets = (group: string, topic: string) => Promise<Array<number | null>>;

/**
 * Reads `topics` from their beginning up to the end offsets they had when called, through a
 * consumer group of its own (`<groupPrefix>-<uuid>`, so no other reader's position moves), and
 * returns the records in topic, partition and offset order. Used by the dead-letter tools: the
 * Bus has no "read a range" call, and a group read works the same on both drivers.
 */
export async function readSnapshot(
  bus: Bus,
  topics: string[],
  endOffsets: EndOffsets,
  options: { groupPrefix?: string; timeoutMs?: number } = {},
): Promise<BusRecord[]> {
  const wanted = new Map<string, number>();
  for (const topic of topics) {
    (await endOffsets(topic)).forEach((end, partition) => {
      if (end > 0) wanted.set(`${topic}/${partition}`, end);
    });
  }
  if (wanted.size === 0) return [];
  const seen: BusRecord[] = [];
  const left = new Set(wanted.keys());
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const subscription = await bus.subscribe({
    group: `${options.groupPrefix ?? "loginguard-snapshot"}-${randomUUID()}`,
    topics: topics.filter((t) => [...wanted.keys()].some((k) => k.startsWith(`${t}/`))),
    fromBeginning: true,
    async handleBatch(batch) {
      const key = `${batch.topic}/${batch.partition}`;
      const end = wanted.get(key);
      if (end === undefined) return;
      for (const r of batch.records) if (Number(r.offset) < end) seen.push(r);
      const last = batch.records.at(-1);
      if (last && Number(last.offset) >= end - 1) {
        left.delete(key);
        if (left.size === 0) done();
      }
    },
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      finished,
      new Promise<void>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`reading ${topics.join(", ")} took over ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await subscription.stop();
  }
  return seen.sort(
    (a, b) =>
      a.topic.localeCompare(b.topic) || a.partition - b.partition || Number(a.offset) - Number(b.offset),
  );
}
