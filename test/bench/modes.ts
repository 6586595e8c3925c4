import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Bus, createKafkaBus } from "@loginguard/bus";
import { createAllModules } from "@loginguard/cli";
import { silentLogger } from "@loginguard/observability";
import { openPlatform, runModules } from "@loginguard/platform";
import { startKafkaCluster } from "@loginguard/testing/kafka";
import { startPostgres } from "@loginguard/testing/postgres";
import { type BaselineHops, baselineAtRate, baselinePeak, embeddedHops, kafkaHops } from "./baseline.ts";
import { embeddedCommitted, kafkaCommitted } from "./completion.ts";
import { endToEnd } from "./e2e.ts";
import type { LoadClient } from "./load-client.ts";
import { type Child, spawnAll, spawnReady, TreeCpu } from "./procs.ts";
import type { Baseline, LatencyRun, ModeResult } from "./results.ts";
import { INGEST_KEY, PRODUCT_ENV, PROFILE, PROFILE_DIR, runId, SETTINGS, step } from "./settings.ts";
import { ensureBenchTopics, productTopics } from "./topics.ts";

/** The services of distributed mode on the path of a login (the portal and relay are not). */
const DISTRIBUTED_SERVICES = ["ingest", "ip-checker", "logger", "account-security", "responder"] as const;

/** Embedded mode: every service in this process on the embedded log in a temporary directory. */
export async function embeddedMode(load: LoadClient): Promise<ModeResult> {
  const dirs: string[] = [];
  const tempDir = (label: string) => {
    const dir = mkdtempSync(join(tmpdir(), `loginguard-bench-${label}-`));
    dirs.push(dir);
    return dir;
  };
  try {
    step("embedded: every service in this process on the embedded log (PGlite in a temp dir)");
    const env = { ...PRODUCT_ENV, DATA_DIR: tempDir("embedded") };
    const platform = await openPlatform({
      service: "all",
      dataDir: env.DATA_DIR,
      needsDatabase: true,
      logger: silentLogger(),
    });
    await ensureBenchTopics(platform.bus, true);
    // As `loginguard start` composes them: every service, one HTTP port.
    const running = await runModules("all", createAllModules(platform, env), platform, {
      port: 0,
      host: "127.0.0.1",
    });
    let e2e: ModeResult["e2e"];
    let baseline: Baseline;
    try {
      e2e = await endToEnd(load, {
        mode: "embedded",
        ingestUrl: running.url,
        contactsUrl: running.url,
        committed: embeddedCommitted(platform.bus, "account-security", "login.recorded"),
        observerBus: platform.bus,
        pids: [{ name: "loginguard (every service)", pid: process.pid }],
        metricsUrls: [running.url],
      });
      baseline = await runBaseline(
        "embedded",
        platform.bus,
        await embeddedHops(platform.bus, runId, SETTINGS.partitions),
      );
    } finally {
      await running.stop();
    }
    const ingest =
      SETTINGS.ingestSeconds > 0
        ? await ingestComparison("embedded", load, (label) => ({ ...PRODUCT_ENV, DATA_DIR: tempDir(label) }))
        : undefined;
    return { mode: "embedded", e2e, baseline, ingest };
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** Distributed mode: one process per service on the three-node Apache Kafka test cluster and PostgreSQL. */
export async function distributedMode(load: LoadClient): Promise<ModeResult> {
  step("distributed: one process per service on the three-node Apache Kafka test cluster + PostgreSQL");
  const [cluster, postgres] = await Promise.all([startKafkaCluster({ brokers: 3 }), startPostgres()]);
  const children: Child[] = [];
  const progress = await kafkaCommitted(cluster.bootstrap);
  const observerBus = createKafkaBus({
    brokers: cluster.bootstrap,
    clientId: "bench-observer",
    logger: silentLogger(),
  });
  try {
    for (const spec of productTopics(false)) await cluster.createTopic(spec.name, spec.partitions, 3);
    const env = {
      ...PRODUCT_ENV,
      KAFKA_BROKERS: cluster.bootstrap.join(","),
      DATABASE_URL: await postgres.createDatabase(),
    };
    step("distributed: cluster and PostgreSQL up, topics created; starting the services");
    const profiled = (service: string) =>
      PROFILE === service ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] } : {};
    children.push(
      ...(await spawnAll(
        DISTRIBUTED_SERVICES.map(
          (service) => () =>
            spawnReady(service, "./service-child.ts", { ...env, BENCH_SERVICE: service }, profiled(service)),
        ),
      )),
    );
    step(`distributed: ${children.length} service processes ready`);
    const url = (name: string) => children.find((c) => c.name === name)!.detail;
    const e2e = await endToEnd(load, {
      mode: "distributed",
      ingestUrl: url("ingest"),
      contactsUrl: url("responder"),
      committed: progress.of("account-security", "login.recorded"),
      observerBus,
      pids: children.map((c) => ({ name: c.name, pid: c.pid })),
      metricsUrls: children.map((c) => c.detail),
    });
    await Promise.all(children.splice(0).map((c) => c.stop()));
    if (PROFILE)
      step(
        `distributed: CPU profile of ${PROFILE} in ${PROFILE_DIR} (npx tsx test/bench/cpuprofile-top.ts <file>)`,
      );
    // The hops start only now: even idle, kafkajs consumers poll and would take CPU from the services.
    const hops = await kafkaHops(cluster, progress.of, runId, SETTINGS.partitions);
    step("distributed: the baseline's 3 hop processes ready");
    const baseline = await runBaseline("distributed", observerBus, hops);
    const ingest =
      SETTINGS.ingestSeconds > 0 ? await ingestComparison("distributed", load, () => env) : undefined;
    return { mode: "distributed", e2e, baseline, ingest };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await observerBus.close();
    await progress.close();
    await cluster.stopAll();
    await postgres.stop();
  }
}

/** The bare baseline's peak, then its latency at a fifth of that peak in each request shape. */
async function runBaseline(mode: ModeResult["mode"], bus: Bus, hops: BaselineHops): Promise<Baseline> {
  try {
    const shape = { publishers: SETTINGS.concurrency, batch: SETTINGS.batch, timeoutMs: SETTINGS.waitMs };
    await baselinePeak(bus, hops, { ...shape, records: SETTINGS.warmupLogins });
    const cpuSampler = new TreeCpu(hops.pids).start();
    const peak = await baselinePeak(bus, hops, { ...shape, records: SETTINGS.peakLogins });
    const cpu = cpuSampler.stop();
    step(`${mode}: bare baseline ${Math.round(peak.perSecond)} records/s`);
    const rate = Math.max(10, Math.round(peak.perSecond / 5));
    const latency: LatencyRun[] = [];
    for (const batch of SETTINGS.latencyBatches) {
      const r = await baselineAtRate(bus, hops, {
        rate,
        batch,
        seconds: SETTINGS.latencySeconds,
        timeoutMs: SETTINGS.waitMs,
      });
      step(
        `${mode}: bare baseline at ${rate}/s, ${batch} per publish: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`,
      );
      latency.push({ batch, rate, p50: r.p50, p99: r.p99, samples: r.count, missing: 0, late: 0 });
    }
    return { perSecond: peak.perSecond, cpu, records: SETTINGS.peakLogins, latency };
  } finally {
    await hops.stop();
  }
}

/**
 * Ingest alone in a process next to a bare node:http server in a process (bare-ingest-child.ts),
 * each on the event log `envOf` gives, each sent single-login POSTs on 32 connections.
 */
async function ingestComparison(
  mode: ModeResult["mode"],
  load: LoadClient,
  envOf: (label: string) => Record<string, string>,
): Promise<NonNullable<ModeResult["ingest"]>> {
  const measure = async (child: Child) => {
    const o = {
      url: child.detail,
      contactsUrl: child.detail,
      key: INGEST_KEY,
      accountPrefix: `bench-${runId}-${mode}-ingest`,
      accounts: SETTINGS.accounts,
      batch: 1,
      concurrency: 32,
      probeShare: 0,
    };
    await load.run({ ...o, run: `iw-${child.name}-${runId}`, seconds: 1 });
    const r = await load.run({ ...o, run: `i-${child.name}-${runId}`, seconds: SETTINGS.ingestSeconds });
    return {
      perSecond: r.accepted / ((r.lastAnsweredAt - r.firstSentAt) / 1000),
      cpuPerRequest: r.cpuMs / r.requests,
    };
  };
  const ingest = await spawnReady("ingest-alone", "./service-child.ts", {
    ...envOf("ingest"),
    BENCH_SERVICE: "ingest",
  });
  const product = await measure(ingest).finally(() => ingest.stop());
  const bare = await spawnReady("bare-ingest", "./bare-ingest-child.ts", envOf("bare"));
  const baseline = await measure(bare).finally(() => bare.stop());
  step(
    `${mode}: ingest ${Math.round(product.perSecond)} requests/s, bare node:http -> log ${Math.round(baseline.perSecond)} requests/s`,
  );
  return { product: product.perSecond, bare: baseline.perSecond, clientCpuPerRequest: product.cpuPerRequest };
}
