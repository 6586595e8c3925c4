import { availableParallelism, loadavg } from "node:os";
import { type LatencyRun, type ModeResult, totalCpu } from "./results.ts";
import { elapsedSeconds, QUICK, SETTINGS, say } from "./settings.ts";
import { table } from "./table.ts";

const n = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "-");
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "-");

/** The definitions, the table, the processes, the targets; the last line is the distributed ratio. */
export function report(results: ModeResult[]): void {
  say("");
  say(
    `loginguard pipeline benchmark${QUICK ? " (--quick)" : ""}: ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}; ` +
      `peak: ${n(SETTINGS.peakLogins)} logins, ${SETTINGS.batch} per request, ${SETTINGS.concurrency} requests in flight; ` +
      `latency: ${SETTINGS.latencySeconds} s at a fifth of peak`,
  );
  say(
    "end to end = from sending POST /v1/logins until account-security has committed the login's login.recorded record: " +
      "accepted, located, recorded with history context, decided (a security.decided when a rule fired, nothing when none did). " +
      "events/s = logins / (first request sent .. account-security's committed offsets covering all of them, polled every 25 ms). " +
      "Latency = probe logins (a new country, so a decision comes out) from sending the request until a consumer reads their security.decided.",
  );
  say(
    "bare baseline = the same event log, four hops with no work: publish to t1 (ingest's place), republish to t2 and to t3 " +
      "(ip-checker's, the logger's), consume and commit t3 (account-security's); the same ~400-byte records in the same publish shape; " +
      "latency from publish until hop 4 has them. Distributed: each hop its own process, as each stage is.",
  );
  say("");
  const rows: string[][] = [];
  const latencyCells = (l: LatencyRun | undefined, unit: string) =>
    l ? [`${n(l.rate)}/s, ${l.batch} per ${unit}`, ms(l.p50), ms(l.p99)] : ["", "", ""];
  for (const r of results) {
    const [first, ...more] = r.e2e.latency;
    rows.push([
      r.mode,
      "end to end (HTTP in, decision out)",
      n(r.e2e.perSecond),
      ...latencyCells(first, "request"),
    ]);
    for (const l of more) rows.push(["", "", "", ...latencyCells(l, "request")]);
    const [bFirst, ...bMore] = r.baseline.latency;
    rows.push([r.mode, "bare 4-hop baseline", n(r.baseline.perSecond), ...latencyCells(bFirst, "publish")]);
    for (const l of bMore) rows.push(["", "", "", ...latencyCells(l, "publish")]);
    rows.push([
      r.mode,
      "end-to-end/baseline",
      (r.e2e.perSecond / r.baseline.perSecond).toFixed(2),
      "",
      "",
      "",
    ]);
    // Per CPU-second of every process of the run: steadier than wall time on a shared machine.
    const e2ePerCpu = r.e2e.logins / totalCpu(r.e2e.cpu);
    const basePerCpu = r.baseline.records / totalCpu(r.baseline.cpu);
    rows.push([
      r.mode,
      "per CPU-second: end to end, baseline (ratio)",
      `${n(e2ePerCpu)}, ${n(basePerCpu)} (${(e2ePerCpu / basePerCpu).toFixed(2)})`,
      "",
      "",
      "",
    ]);
  }
  for (const line of table(["mode", "path", "events/s", "latency at", "p50 ms", "p99 ms"], rows, [2, 4, 5]))
    say(line);
  say("");

  const ingestRows = results.flatMap((r) =>
    r.ingest
      ? [
          [
            r.mode,
            n(r.ingest.product),
            n(r.ingest.bare),
            `${((100 * r.ingest.product) / r.ingest.bare).toFixed(0)}%`,
          ],
        ]
      : [],
  );
  if (ingestRows.length > 0) {
    const header = [
      "ingest: 1 login per request, 32 connections",
      "ingest req/s",
      "bare node:http -> log req/s",
      "ingest/bare",
    ];
    for (const line of table(header, ingestRows, [1, 2, 3])) say(line);
    say("");
  }

  for (const r of results) {
    const rss = [...r.e2e.rss.entries()].map(([name, mb]) => `${name} ${mb.toFixed(0)} MB`).join(", ");
    say(`${r.mode}: RSS under load (highest during the peak run): ${rss}`);
    const cpu = [...r.e2e.cpu.entries()]
      .filter(([, seconds]) => seconds > 0.01)
      .sort((a, b) => b[1] - a[1])
      .map(([name, seconds]) => `${name} ${((100 * seconds) / r.e2e.peakSeconds).toFixed(0)}%`)
      .join(", ");
    const total = [...r.e2e.cpu.values()].reduce((a, b) => a + b, 0);
    say(
      `${r.mode}: CPU during the peak run, % of one core: ${cpu}; together ${((100 * total) / r.e2e.peakSeconds).toFixed(0)}% of ${availableParallelism() * 100}%`,
    );
    const late = r.e2e.latency.reduce((a, l) => a + l.late, 0);
    const missing = r.e2e.latency.reduce((a, l) => a + l.missing, 0);
    say(
      `${r.mode}: the client (load generator, its own process) used ${(r.e2e.clientCpuPerLogin * 1000).toFixed(1)} µs CPU per login at peak` +
        (r.ingest
          ? `, ${(r.ingest.clientCpuPerRequest * 1000).toFixed(0)} µs per single-login request`
          : "") +
        `; peak request p99 ${ms(r.e2e.requestP99)} ms` +
        (late > 0 ? `; ${late} paced requests started late (the instance fell behind)` : "") +
        (missing > 0 ? `; ${missing} probe decisions not seen` : ""),
    );
  }
  say("");
  targets(results);
}

function targets(results: ModeResult[]): void {
  say(`targets (docs/ARCHITECTURE.md section 12), after ${elapsedSeconds().toFixed(0)} s:`);
  const mark = (ok: boolean) => (ok ? "met    " : "NOT met");
  const distributed = results.find((r) => r.mode === "distributed");
  const embedded = results.find((r) => r.mode === "embedded");
  if (distributed) {
    const ratio = distributed.e2e.perSecond / distributed.baseline.perSecond;
    say(`  ${mark(ratio >= 0.5)} distributed end to end >= half the bare baseline: ${ratio.toFixed(2)}`);
    const p99 = distributed.e2e.latency[0]?.p99 ?? Number.NaN;
    say(`  ${mark(p99 < 50)} distributed p99 < 50 ms at a fifth of peak: ${ms(p99)} ms`);
  }
  if (embedded) {
    say(
      `  ${mark(embedded.e2e.perSecond >= 3000)} embedded >= 3,000 logins/s end to end, nothing lost: ` +
        `${n(embedded.e2e.perSecond)}/s, all ${n(embedded.e2e.logins)} committed by account-security`,
    );
  }
  for (const r of results) {
    if (!r.ingest) continue;
    const share = r.ingest.product / r.ingest.bare;
    say(
      `  ${mark(share >= 0.7)} ingest >= 70% of a bare node:http -> log server (${r.mode}): ${(100 * share).toFixed(1)}%`,
    );
  }
  for (const r of results) {
    const worst = Math.max(...r.e2e.rss.values());
    const per = r.mode === "embedded" ? "the one process" : "largest service process";
    say(
      `  ${mark(worst < 300)} < 300 MB resident per service under load (${r.mode}): ${per} ${worst.toFixed(0)} MB`,
    );
  }
  if (distributed)
    say(`end-to-end/baseline: ${(distributed.e2e.perSecond / distributed.baseline.perSecond).toFixed(2)}`);
}
