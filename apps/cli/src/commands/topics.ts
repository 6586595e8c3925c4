import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { applyKafkaTopics, loadTopicsFile, type TopicsFile, topicSpecsOf } from "@loginguard/bus";
import { describeError } from "@loginguard/errors";
import { configureLogging, silentLogger } from "@loginguard/observability";
import { loadPlatformEnv, openPlatform, type Platform, type PlatformEnv } from "@loginguard/platform";
import {
  applyTopicsFile,
  describeTopicsApply,
  loadRelayConfig,
  type RelayConfig,
  type TopicsApplyResult,
} from "@loginguard/relay";
import { z } from "zod";
import { describeKafkaTopicsApply } from "./topics-kafka";

/** Where a command writes, and the environment it reads (tests pass their own). */
export interface CommandIo {
  /** Default: the process environment (read by the apps' env.ts loaders). */
  env?: Record<string, string | undefined>;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

const USAGE = `usage: loginguard topics apply [--dry-run] [--file <topics.json>] [--url <running instance>]
                               [--replication N] [--allow-partition-increase]

Creates the topics of infra/topics.json (and their .dlq topics) that are missing; never removes
anything. Prints what it changed; --dry-run prints the plan only.

  on Kafka (KAFKA_BROKERS set)   through the Kafka admin API: creates missing topics with the
                                 file's partitions, replication factor and configs; brings the
                                 configs of existing topics to the file (printing each change);
                                 reports partition counts and replication factors that differ.
                                 Stops when the cluster has fewer brokers than a replication factor.
  embedded (default)             creates missing topics and adds partitions; opens DATA_DIR itself
                                 when no process holds it; when a running loginguard holds it,
                                 calls that instance's admin API (POST /v1/admin/topics/apply) with
                                 the first key of ADMIN_API_KEYS, else the admin key \`npm start\`
                                 generated in DATA_DIR/secrets.json

  --file                       the topics file (default: TOPICS_FILE, else infra/topics.json)
  --url                        the running instance (default: http://127.0.0.1:$PORT)
  --replication N              Kafka: replication factor N for every topic instead of the file's
                               (min.insync.replicas lowered to N where the file asks for more)
  --allow-partition-increase   Kafka: add partitions to topics with fewer than the file says
                               (never removes any; keys then map to other partitions)`;

const resultSchema = z.object({
  dryRun: z.boolean(),
  driver: z.enum(["embedded", "kafka"]),
  items: z.array(
    z.object({
      name: z.string(),
      action: z.enum(["create", "add_partitions", "unchanged"]),
      partitions: z.number(),
      from: z.number().optional(),
    }),
  ),
});

interface ApplyRequest {
  file: TopicsFile;
  path: string;
  dryRun: boolean;
  replication: number | undefined;
  allowPartitionIncrease: boolean;
  url: string;
  platformEnv: PlatformEnv;
  relayConfig: RelayConfig;
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `loginguard topics ...` (docs/ARCHITECTURE.md sections 8 and 9). Returns the exit code: 0 done, 1 failed,
 * 2 bad usage. The CLI's main dispatches `topics <args>` here.
 */
export async function topicsCommand(args: string[], io: CommandIo = {}): Promise<number> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  let parsed: ReturnType<typeof parseTopicsArgs>;
  try {
    parsed = parseTopicsArgs(args);
  } catch (e) {
    err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    out(USAGE);
    return 0;
  }

  let platformEnv: PlatformEnv;
  let relayConfig: RelayConfig;
  let file: TopicsFile;
  let path: string;
  try {
    platformEnv = io.env ? loadPlatformEnv(io.env) : loadPlatformEnv();
    relayConfig = io.env ? loadRelayConfig(io.env) : loadRelayConfig();
    path = parsed.file ? resolve(parsed.file) : relayConfig.topicsFile;
    file = loadTopicsFile(path);
  } catch (e) {
    err((e as Error).message);
    return 1;
  }
  // The event log's own info lines would drown the report; LOG_LEVEL=debug still shows them.
  configureLogging({ level: platformEnv.LOG_LEVEL === "info" ? "warn" : platformEnv.LOG_LEVEL });

  const request: ApplyRequest = {
    file,
    path,
    dryRun: parsed.dryRun,
    replication: parsed.replication,
    allowPartitionIncrease: parsed.allowPartitionIncrease,
    url: (parsed.url ?? `http://127.0.0.1:${platformEnv.PORT}`).replace(/\/+$/, ""),
    platformEnv,
    relayConfig,
    out,
    err,
  };
  try {
    if (platformEnv.KAFKA_BROKERS) return await applyOnKafka(request, platformEnv.KAFKA_BROKERS);
    if (request.replication !== undefined || request.allowPartitionIncrease) {
      err("--replication and --allow-partition-increase apply to Kafka only (KAFKA_BROKERS is not set)");
      return 2;
    }
    return await applyEmbedded(request);
  } catch (e) {
    err(`topics apply failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

interface TopicsArgs {
  dryRun: boolean;
  file?: string;
  url?: string;
  replication: number | undefined;
  allowPartitionIncrease: boolean;
  help: boolean;
}

function parseTopicsArgs(args: string[]): TopicsArgs {
  const { values, positionals } = parseArgs({
    args,
    options: {
      "dry-run": { type: "boolean", default: false },
      file: { type: "string", short: "f" },
      url: { type: "string" },
      replication: { type: "string" },
      "allow-partition-increase": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help)
    return { dryRun: false, help: true, replication: undefined, allowPartitionIncrease: false };
  const [sub, ...rest] = positionals;
  if (sub !== "apply") throw new Error(sub ? `unknown topics command "${sub}"` : "missing topics command");
  if (rest.length > 0) throw new Error(`unexpected argument "${rest[0]}"`);
  let replication: number | undefined;
  if (values.replication !== undefined) {
    replication = Number(values.replication);
    if (!Number.isInteger(replication) || replication < 1)
      throw new Error(`--replication must be a whole number of at least 1, got "${values.replication}"`);
  }
  return {
    dryRun: values["dry-run"] ?? false,
    replication,
    allowPartitionIncrease: values["allow-partition-increase"] ?? false,
    help: false,
    ...(values.file === undefined ? {} : { file: values.file }),
    ...(values.url === undefined ? {} : { url: values.url }),
  };
}

/**
 * Embedded mode: only one process may open the data directory (docs/ARCHITECTURE.md sections 4 and 9). When
 * a live process holds it, the running instance applies the file through its admin API; when
 * nobody does, this process opens it. With DATABASE_URL (the embedded log on PostgreSQL) there is
 * no directory lock, and a running instance keeps the topics in memory: ask it first.
 */
async function applyEmbedded(request: ApplyRequest): Promise<number> {
  const { platformEnv } = request;
  if (platformEnv.DATABASE_URL && (await answers(request.url))) {
    return applyRemotely(request, "the embedded event log on PostgreSQL");
  }
  let platform: Platform;
  try {
    platform = await open(request);
  } catch (e) {
    if ((e as { code?: unknown }).code !== "data_dir_locked") throw e;
    const pid = (e as { pid?: number }).pid;
    return applyRemotely(request, `${platformEnv.DATA_DIR}, held by process ${pid ?? "?"}`);
  }
  return applyWith(request, platform, `the embedded event log in ${platformEnv.DATA_DIR}`);
}

function open(request: ApplyRequest): Promise<Platform> {
  const env = request.platformEnv;
  return openPlatform({
    service: "cli",
    ...(env.KAFKA_BROKERS ? { kafkaBrokers: env.KAFKA_BROKERS } : {}),
    ...(env.DATABASE_URL && !env.KAFKA_BROKERS ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: env.DATA_DIR,
    needsDatabase: false,
    logger: silentLogger(),
  });
}

/**
 * Kafka: the admin API directly (libs/bus `applyKafkaTopics`). Exit code 1 when the plan is
 * stopped (fewer brokers than a replication factor), 0 otherwise; differences it may not change
 * (partitions without the flag, replication factors) are printed, not failed.
 */
async function applyOnKafka(request: ApplyRequest, brokers: string[]): Promise<number> {
  const result = await applyKafkaTopics({ brokers, logger: silentLogger() }, topicSpecsOf(request.file), {
    dryRun: request.dryRun,
    allowPartitionIncrease: request.allowPartitionIncrease,
    ...(request.replication === undefined ? {} : { replication: request.replication }),
  });
  request.out(
    `topics apply${result.dryRun ? " --dry-run" : ""}: ${request.path} -> Kafka (${brokers.join(",")}), ` +
      `${result.plan.brokers} broker(s)`,
  );
  const lines = describeKafkaTopicsApply(result);
  for (const line of lines) (line.startsWith("stopped:") ? request.err : request.out)(line);
  return result.plan.blocked.length > 0 ? 1 : 0;
}

async function applyWith(request: ApplyRequest, platform: Platform, where: string): Promise<number> {
  try {
    const result = await applyTopicsFile(platform.bus, request.file, { dryRun: request.dryRun });
    report(request, result, where);
    return 0;
  } finally {
    await platform.close();
  }
}

/**
 * The admin key to call the running instance with: the first of ADMIN_API_KEYS, else the one
 * `loginguard start` generated and keeps in DATA_DIR/secrets.json when none was configured.
 */
function adminKey(request: ApplyRequest): string | undefined {
  const configured = request.relayConfig.adminKeys.values().next().value;
  if (configured !== undefined) return configured;
  try {
    const secrets = JSON.parse(readFileSync(join(request.platformEnv.DATA_DIR, "secrets.json"), "utf8")) as {
      adminApiKey?: unknown;
    };
    return typeof secrets.adminApiKey === "string" ? secrets.adminApiKey : undefined;
  } catch {
    return undefined;
  }
}

async function applyRemotely(request: ApplyRequest, where: string): Promise<number> {
  const key = adminKey(request);
  if (key === undefined) {
    request.err(
      `the data directory is in use (${where}): set ADMIN_API_KEYS to the running instance's admin key ` +
        `to apply through its admin API at ${request.url}, or stop it first`,
    );
    return 1;
  }
  const endpoint = `${request.url}/v1/admin/topics/apply`;
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ topics: request.file, dryRun: request.dryRun }),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (e) {
    const detail = (e as { cause?: { code?: string; message?: string } }).cause;
    const cause = detail?.code ?? detail?.message ?? describeError(e);
    request.err(
      `the data directory is in use (${where}), but nothing answers at ${request.url} (${cause}); ` +
        "pass --url with the running instance's address",
    );
    return 1;
  }
  const text = await response.text();
  if (!response.ok) {
    let detail = text.slice(0, 1000);
    try {
      const problem = JSON.parse(text) as { title?: string; detail?: string };
      detail = [problem.title, problem.detail].filter(Boolean).join(": ") || detail;
    } catch {
      // not problem+json: the raw text says it
    }
    request.err(`${endpoint} answered ${response.status}: ${detail}`);
    return 1;
  }
  const result = resultSchema.parse(JSON.parse(text));
  report(request, result, `${where}, through the running instance at ${request.url}`);
  return 0;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function report(request: ApplyRequest, result: TopicsApplyResult, where: string): void {
  request.out(`topics apply${result.dryRun ? " --dry-run" : ""}: ${request.path} -> ${where}`);
  for (const line of describeTopicsApply(result)) request.out(line);
}
