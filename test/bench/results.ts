/** Latency of probe logins at a fixed rate and request size. */
export interface LatencyRun {
  /** Logins per request. */
  batch: number;
  /** Logins (or records) per second. */
  rate: number;
  p50: number;
  p99: number;
  samples: number;
  /** Probes whose decision was never seen. */
  missing: number;
  /** Requests the load generator started later than scheduled (the instance fell behind). */
  late: number;
}

/** The end-to-end runs of one mode. */
export interface EndToEnd {
  perSecond: number;
  logins: number;
  requestP99: number;
  clientCpuPerLogin: number;
  /** At a fifth of peak; the first in the peak's request shape (the target's). */
  latency: LatencyRun[];
  /** Peak RSS (MB) per service process during the peak run. */
  rss: Map<string, number>;
  /** CPU seconds per process (and per command: the cluster, PostgreSQL) during the peak run. */
  cpu: Map<string, number>;
  /** Seconds the peak run took (first request to last commit). */
  peakSeconds: number;
}

/** CPU seconds of every process of the run together (its own, children, cluster, PostgreSQL). */
export function totalCpu(cpu: ReadonlyMap<string, number>): number {
  return [...cpu.values()].reduce((a, b) => a + b, 0);
}

/** The bare four-hop baseline of one mode. */
export interface Baseline {
  perSecond: number;
  /** CPU seconds per process during its peak run, as for the end-to-end run. */
  cpu: Map<string, number>;
  records: number;
  latency: LatencyRun[];
}

/** What one mode measured. */
export interface ModeResult {
  mode: "embedded" | "distributed";
  e2e: EndToEnd;
  baseline: Baseline;
  /** Undefined with --quick. */
  ingest: { product: number; bare: number; clientCpuPerRequest: number } | undefined;
}
