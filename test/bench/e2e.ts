import type { Bus } from "@loginguard/bus";
import {
  type CommittedCount,
  probeLatencies,
  waitForCommitted,
  watchDecisions,
  watchHops,
} from "./completion.ts";
import type { LoginsCommand } from "./load-child.ts";
import type { LoadClient } from "./load-client.ts";
import { RssSampler, TreeCpu } from "./procs.ts";
import type { EndToEnd, LatencyRun } from "./results.ts";
import { INGEST_KEY, runId, SETTINGS, step, TRACE, TRACED_TOPICS } from "./settings.ts";
import { describeStageWork, type StageTotals, stageTotals } from "./stage-metrics.ts";

/** Where the product listens and how to tell that account-security is done. */
export interface Running {
  mode: "embedded" | "distributed";
  ingestUrl: string;
  /** Where contacts are registered (the responder's API). */
  contactsUrl: string;
  /** account-security's committed records on login.recorded. */
  committed: CommittedCount;
  /** A Bus on the same event log for the bench's own consumers. */
  observerBus: Bus;
  /** The service processes (RSS and CPU are sampled). */
  pids: Array<{ name: string; pid: number }>;
  /** Base URLs whose /metrics carry the stages' counters (one per process). */
  metricsUrls: string[];
}

type Common = Pick<LoginsCommand, "url" | "contactsUrl" | "key" | "accountPrefix" | "accounts">;

/**
 * Warm-up, then the peak run (closed loop, batches, until account-security committed every
 * login) and the latency runs at a fifth of that peak (open loop, one per request size).
 */
export async function endToEnd(load: LoadClient, running: Running): Promise<EndToEnd> {
  const { mode } = running;
  const observer = await watchDecisions(running.observerBus, `bench-observer-${mode}-${runId}`);
  const common: Common = {
    url: running.ingestUrl,
    contactsUrl: running.contactsUrl,
    key: INGEST_KEY,
    accountPrefix: `bench-${runId}-${mode}`,
    accounts: SETTINGS.accounts,
  };
  try {
    let before = await running.committed();
    const warm = await load.run({
      ...common,
      run: `w-${mode}-${runId}`,
      total: SETTINGS.warmupLogins,
      batch: SETTINGS.batch,
      concurrency: 4,
      probeShare: SETTINGS.probeShareAtPeak,
    });
    await waitForCommitted(running.committed, before + warm.accepted, SETTINGS.waitMs);
    step(`${mode}: warmed up (${warm.accepted} logins)`);

    before = await running.committed();
    const rssSampler = new RssSampler(running.pids).start();
    const cpuSampler = new TreeCpu([
      ...running.pids,
      { name: "load generator", pid: load.child.pid },
    ]).start();
    const peak = await load.run({
      ...common,
      run: `p-${mode}-${runId}`,
      total: SETTINGS.peakLogins,
      batch: SETTINGS.batch,
      concurrency: SETTINGS.concurrency,
      probeShare: SETTINGS.probeShareAtPeak,
    });
    if (peak.accepted !== peak.logins) {
      throw new Error(
        `${mode}: ${peak.accepted} of ${peak.logins} accepted: ${JSON.stringify(peak.statuses)}`,
      );
    }
    const done = await waitForCommitted(running.committed, before + peak.accepted, SETTINGS.waitMs);
    const rss = rssSampler.stop();
    const cpu = cpuSampler.stop();
    const peakSeconds = (done - peak.firstSentAt) / 1000;
    const perSecond = peak.accepted / peakSeconds;
    const answered = peak.accepted / ((peak.lastAnsweredAt - peak.firstSentAt) / 1000);
    step(
      `${mode}: peak ${Math.round(perSecond)} logins/s end to end (${peak.accepted} logins; HTTP answered at ${Math.round(answered)}/s)`,
    );

    const rate = Math.max(10, Math.round(perSecond / 5));
    const latency: LatencyRun[] = [];
    for (const batch of SETTINGS.latencyBatches) {
      latency.push(await latencyRun(load, running, observer.seenAt, common, rate, batch));
    }
    return {
      perSecond,
      logins: peak.accepted,
      requestP99: peak.requestP99,
      clientCpuPerLogin: peak.cpuMs / peak.logins,
      latency,
      rss,
      cpu,
      peakSeconds,
    };
  } finally {
    await observer.stop();
  }
}

/** `rate` logins/s in requests of `batch` for SETTINGS.latencySeconds; probe decision latency. */
async function latencyRun(
  load: LoadClient,
  running: Running,
  decidedAt: ReadonlyMap<string, number>,
  common: Common,
  rate: number,
  batch: number,
): Promise<LatencyRun> {
  const { mode } = running;
  const before = await running.committed();
  const trace = TRACE ? await startTrace(running, batch) : undefined;
  const paced = await load.run({
    ...common,
    run: `l${batch}-${mode}-${runId}`,
    rate,
    seconds: SETTINGS.latencySeconds,
    batch,
    concurrency: 64,
    probeShare: SETTINGS.probeShareForLatency,
  });
  await waitForCommitted(running.committed, before + paced.accepted, SETTINGS.waitMs);
  const deadline = Date.now() + 10_000;
  while (paced.probes.some(([id]) => !decidedAt.has(id)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const lat = probeLatencies(paced.probes, decidedAt);
  step(
    `${mode}: at ${rate} logins/s, ${batch} per request: decisions p50 ${lat.p50.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms (${lat.samples} probes)`,
  );
  if (trace) await trace.finish(paced.probes);
  return {
    batch,
    rate,
    p50: lat.p50,
    p99: lat.p99,
    samples: lat.samples,
    missing: lat.missing,
    late: paced.late,
  };
}

/** --trace: when each topic carried each probe, and what the stages did meanwhile (extra consumers). */
async function startTrace(running: Running, batch: number) {
  const readStages = async () => {
    const all: StageTotals = new Map();
    for (const url of running.metricsUrls) for (const [k, v] of await stageTotals(url)) all.set(k, v);
    return all;
  };
  const hops = await watchHops(
    running.observerBus,
    `bench-trace-${running.mode}-${batch}-${runId}`,
    TRACED_TOPICS,
  );
  const stagesBefore = await readStages();
  const from = Date.now();
  return {
    async finish(probes: ReadonlyArray<[string, number]>) {
      await hops.stop();
      const parts = TRACED_TOPICS.map((topic) => {
        const l = probeLatencies(probes, hops.seenAt.get(topic)!);
        return `${topic} ${l.p50.toFixed(0)}/${l.p99.toFixed(0)}`;
      });
      step(`${running.mode}:   probes reached (p50/p99 ms after the request was sent): ${parts.join(", ")}`);
      for (const line of describeStageWork(stagesBefore, await readStages(), (Date.now() - from) / 1000)) {
        step(`${running.mode}:   ${line}`);
      }
    },
  };
}
