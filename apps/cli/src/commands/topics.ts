import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadTopicsFile, type TopicsFile } from "@loginguard/bus";
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

/** Where a command writes, and the environment it reads (tests pass their own). */
export interface CommandIo {
  /** Default: the process environment (read by the apps' env.ts loaders). */
  env?: Record<string, string | undefined>;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

const USAGE = `usage: loginguard topics apply [--dry-run] [--file <topics.json>] [--url <running instance>]

Creates the topics of infra/topics.json (and their .dlq topics) that are missing and adds
partitions; never removes anything. Prints what it changed; --dry-run prints the plan only.

  on Kafka (KAFKA_BROKERS set)   through the Kafka admin API
  embedded (default)             opens DATA_DIR itself when no process holds it; when a running
                                 loginguard holds it, calls that instance's admin API
                                 (POST /v1/admin/topics/apply) with the first key of ADMIN_API_KEYS,
                                 else the admin key \`npm start\` generated in DATA_DIR/secrets.json

  --file   the topics file (default: TOPICS_FILE, else the repository's infra/topics.json)
  --url    the running instance (default: http://127.0.0.1:$PORT)`;

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
    url: (parsed.url ?? `http://127.0.0.1:${platformEnv.PORT}`).replace(/\/+$/, ""),
    platformEnv,
    relayConfig,
    out,
    err,
  };
  try {
    if (platformEnv.KAFKA_BROKERS)
      return await applyDirectly(request, `Kafka (${platformEnv.KAFKA_BROKERS.join(",")})`);
    return await applyEmbedded(request);
  } catch (e) {
    err(`topics apply failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

function parseTopicsArgs(args: string[]): { dryRun: boolean; file?: string; url?: string; help: boolean } {
  const { values, positionals } = parseArgs({
    args,
    options: {
      "dry-run": { type: "boolean", default: false },
      file: { type: "string", short: "f" },
      url: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return { dryRun: false, help: true };
  const [sub, ...rest] = positionals;
  if (sub !== "apply") throw new Error(sub ? `unknown topics command "${sub}"` : "missing topics command");
  if (rest.length > 0) throw new Error(`unexpected argument "${rest[0]}"`);
  return {
    dryRun: values["dry-run"] ?? false,
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

async function applyDirectly(request: ApplyRequest, where: string): Promise<number> {
  return applyWith(request, await open(request), where);
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
