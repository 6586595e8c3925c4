import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    mode: { type: "string" },
    logins: { type: "string" },
    seconds: { type: "string" },
    trace: { type: "boolean", default: false },
    profile: { type: "string" },
  },
});

/** --quick: distributed mode only (its ratio is the last line), small runs, no ingest comparison. */
export const QUICK = args.quick === true;
export const MODE = args.mode ?? (QUICK ? "distributed" : "both");
if (!["both", "embedded", "distributed"].includes(MODE))
  throw new Error("--mode: embedded, distributed or both");
/** --trace: per probe, when each topic carried it, and the stages' handler statistics. */
export const TRACE = args.trace === true;
/** --profile <service>: that distributed service process runs with --cpu-prof. */
export const PROFILE = args.profile;

export const SETTINGS = {
  /** Logins of the peak run (and records of the baseline's peak). */
  peakLogins: Number(args.logins ?? (QUICK ? 5_000 : 40_000)),
  /** Logins of the warm-up (JIT, connections, consumer groups, caches). */
  warmupLogins: QUICK ? 1_000 : 2_000,
  /** Seconds of each latency run at a fifth of peak. */
  latencySeconds: Number(args.seconds ?? (QUICK ? 3 : 10)),
  /** Request sizes of the latency runs: the peak's first (the target's), then single logins. */
  latencyBatches: QUICK ? [100] : [100, 1],
  /** Seconds per side of the ingest comparison (none with --quick). */
  ingestSeconds: QUICK ? 0 : 5,
  /** Logins per request at peak: a login server forwarding what arrived meanwhile. */
  batch: 100,
  /** Requests in flight at peak (and publishers of the baseline). */
  concurrency: 8,
  /** Share of logins that are probes (a new country: a decision comes out). */
  probeShareAtPeak: 0.02,
  probeShareForLatency: 0.1,
  /** Distinct accounts of the regular logins. */
  accounts: 20_000,
  partitions: 12,
  waitMs: QUICK ? 30_000 : 120_000,
};

export const runId = Date.now().toString(36);
export const INGEST_KEY = `bench-ingest-${"k".repeat(24)}`;
/** What every product process gets; the mode adds DATA_DIR or KAFKA_BROKERS + DATABASE_URL. */
export const PRODUCT_ENV: Record<string, string> = {
  LOG_LEVEL: "warn",
  PORT: "0",
  INGEST_API_KEYS: `bench:${INGEST_KEY}`,
  ADMIN_API_KEYS: `admin:bench-admin-${"a".repeat(24)}`,
  PLAYER_TOKEN_SECRET: "p".repeat(40),
  STAFF_SESSION_SECRET: "s".repeat(40),
  // The default 5,000 logins/s per key would cap the peak.
  INGEST_RATE_PER_SECOND: "100000000",
  KAFKA_SESSION_TIMEOUT_MS: "6000",
  KAFKA_HEARTBEAT_INTERVAL_MS: "500",
};
export const PROFILE_DIR = join(tmpdir(), `loginguard-bench-profile-${runId}`);
export const TRACED_TOPICS = ["login.attempted", "login.located", "login.recorded", "security.decided"];

const started = Date.now();
export const say = (line: string) => console.log(line);
/** A progress line with the seconds since the start. */
export const step = (line: string) =>
  say(`${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s  ${line}`);
export const elapsedSeconds = () => (Date.now() - started) / 1000;
