import type { Bus, EmbeddedBus } from "@loginguard/bus";
import { Kafka, logLevel } from "kafkajs";

/** Sum of a consumer group's committed offsets over a topic's partitions: records it is done with. */
export type CommittedCount = () => Promise<number>;

/** On the embedded log: the log's own committed-vs-end table. */
export function embeddedCommitted(bus: Bus, group: string, topic: string): CommittedCount {
  const lag = (bus as EmbeddedBus).lag;
  if (typeof lag !== "function") throw new Error("not an embedded bus");
  return async () => {
    const rows = await (bus as EmbeddedBus).lag(group);
    return rows.filter((r) => r.topic === topic).reduce((sum, r) => sum + (r.committed ?? 0), 0);
  };
}

/** On Kafka: the group's committed offsets from the admin API (OffsetFetch). */
export async function kafkaCommitted(
  brokers: string[],
): Promise<{ of(group: string, topic: string): CommittedCount; close(): Promise<void> }> {
  const admin = new Kafka({ clientId: "bench-progress", brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  return {
    of: (group, topic) => async () => {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    },
    close: () => admin.disconnect(),
  };
}

/**
 * Polls `committed` every `pollMs` until it reached `target`; resolves with the epoch ms of the
 * poll that saw it (so a result is late by at most one poll interval).
 */
export async function waitForCommitted(
  committed: CommittedCount,
  target: number,
  timeoutMs: number,
  pollMs = 25,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  for (;;) {
    seen = await committed();
    if (seen >= target) return performance.timeOrigin + performance.now();
    if (Date.now() > deadline) throw new Error(`committed ${seen} of ${target} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Watches `security.decided` in a group of its own and notes when each decision about a probe
 * login (by `loginEventId`) could be read: the "decision out" end of a probe's latency.
 */
export async function watchDecisions(
  bus: Bus,
  group: string,
): Promise<{ seenAt: Map<string, number>; stop(): Promise<void> }> {
  const seenAt = new Map<string, number>();
  const sub = await bus.subscribe({
    group,
    topics: ["security.decided"],
    fromBeginning: false,
    async handleBatch(batch) {
      const t = performance.timeOrigin + performance.now();
      for (const r of batch.records) {
        const id = (JSON.parse(Buffer.from(r.value ?? []).toString("utf8")) as { loginEventId?: string })
          .loginEventId;
        if (id && !seenAt.has(id)) seenAt.set(id, t);
      }
    },
  });
  return { seenAt, stop: () => sub.stop() };
}

/** Latencies (ms) of the probes whose decision was seen; `missing` counts the others. */
export function probeLatencies(
  probes: ReadonlyArray<[string, number]>,
  seenAt: ReadonlyMap<string, number>,
): { p50: number; p99: number; samples: number; missing: number } {
  const samples: number[] = [];
  for (const [id, sent] of probes) {
    const seen = seenAt.get(id);
    if (seen !== undefined) samples.push(seen - sent);
  }
  samples.sort((a, b) => a - b);
  const q = (p: number) =>
    samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? Number.NaN;
  return { p50: q(0.5), p99: q(0.99), samples: samples.length, missing: probes.length - samples.length };
}

/** Where a probe's time goes: when each of `topics` first carried a record of its correlation id. */
export async function watchHops(
  bus: Bus,
  group: string,
  topics: readonly string[],
): Promise<{ seenAt: Map<string, Map<string, number>>; stop(): Promise<void> }> {
  const seenAt = new Map(topics.map((t) => [t, new Map<string, number>()]));
  const subs = await Promise.all(
    topics.map((topic) =>
      bus.subscribe({
        group: `${group}-${topic}`,
        topics: [topic],
        fromBeginning: false,
        async handleBatch(batch) {
          const t = performance.timeOrigin + performance.now();
          const seen = seenAt.get(topic)!;
          for (const r of batch.records) {
            const id = r.headers.ce_correlationid;
            if (id && !seen.has(id)) seen.set(id, t);
          }
        },
      }),
    ),
  );
  return {
    seenAt,
    async stop() {
      for (const s of subs) await s.stop();
    },
  };
}
