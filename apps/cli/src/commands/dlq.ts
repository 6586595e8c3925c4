import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { configureLogging, silentLogger } from "@loginguard/observability";
import { loadPlatformEnv, openPlatform, type PlatformEnv } from "@loginguard/platform";
import { Presets, SingleBar } from "cli-progress";
import { AdminClient, runningInstanceKey } from "../admin-client";
import { processEnv } from "../env";
import {
  apiBackend,
  type CliFilter,
  type DeadLetterRow,
  type DlqBackend,
  directBackend,
} from "./dlq-backend";
import { formatTable } from "./table";
import type { CommandIo } from "./topics";

const USAGE = `usage: loginguard dlq list   [--topic T] [--since ISO-TIME] [--reason TEXT] [--all]
       loginguard dlq show   <topic>:<partition>:<offset>
       loginguard dlq replay [--topic T] [--since ISO-TIME] [--reason TEXT] [--dry-run] [--by NAME]

Dead letters of every *.dlq topic (docs/ARCHITECTURE.md section 9). replay puts each record back
on its source topic with its event id unchanged, and records who replayed it on dlq.replayed: a
second replay skips it, so replaying twice delivers once downstream. Replays are audited.

  on Kafka (KAFKA_BROKERS set)   reads and writes Kafka directly
  embedded (default)             through the running instance's admin API (--url, default
                                 http://127.0.0.1:$PORT) with ADMIN_API_KEYS' first key, else the
                                 generated one in DATA_DIR/secrets.json; opens DATA_DIR itself
                                 when no process holds it

  --all      list replayed records too (default: only those still to replay)
  --by       who replays, for the audit (default: the login name)`;

/** Options of `dlq`, plus where progress goes (tests capture it). */
export interface DlqIo extends CommandIo {
  progress?: NodeJS.WritableStream;
}

interface Parsed {
  sub: "list" | "show" | "replay";
  id?: string;
  filter: CliFilter;
  all: boolean;
  dryRun: boolean;
  by: string;
  url?: string;
}

/** `loginguard dlq ...`; returns the exit code: 0 done, 1 failed, 2 bad usage. */
export async function dlqCommand(args: string[], io: DlqIo = {}): Promise<number> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  let parsed: Parsed | "help";
  try {
    parsed = parse(args);
  } catch (e) {
    err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === "help") {
    out(USAGE);
    return 0;
  }
  let backend: DlqBackend;
  try {
    const env = io.env ?? processEnv();
    const platformEnv = loadPlatformEnv(env);
    configureLogging({ level: platformEnv.LOG_LEVEL === "info" ? "warn" : platformEnv.LOG_LEVEL });
    backend = await openBackend(env, platformEnv, parsed.url);
  } catch (e) {
    err(`dlq: ${(e as Error).message}`);
    return 1;
  }
  try {
    if (parsed.sub === "list") {
      const rows = await backend.list(parsed.filter, parsed.all);
      out(`dead letters in ${backend.where}: ${rows.length}${parsed.all ? "" : " to replay"}`);
      if (rows.length > 0) out(table(rows));
      return 0;
    }
    if (parsed.sub === "show") {
      const letter = await backend.show(parsed.id!);
      if (!letter) {
        err(`no dead letter ${parsed.id}`);
        return 1;
      }
      out(JSON.stringify(letter, null, 2));
      return 0;
    }
    return await replay(backend, parsed, out, io.progress ?? process.stderr);
  } catch (e) {
    err(`dlq ${parsed.sub} failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await backend.close();
  }
}

async function replay(
  backend: DlqBackend,
  parsed: Parsed,
  out: (line: string) => void,
  progress: NodeJS.WritableStream,
): Promise<number> {
  const todo = await backend.list(parsed.filter, false);
  if (parsed.dryRun) {
    if (todo.length > 0) out(table(todo));
    out(`dry run: would replay ${todo.length} dead letter(s) from ${backend.where}; nothing published`);
    return 0;
  }
  const bar = new SingleBar(
    {
      format: "replaying [{bar}] {value}/{total} {topic}",
      stream: progress,
      noTTYOutput: true,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  bar.start(todo.length, 0, { topic: "" });
  let replayed = 0;
  let skipped = 0;
  // Slices, so the bar moves as the instance works; about twenty calls however many there are.
  const size = Math.max(5, Math.ceil(todo.length / 20));
  for (let i = 0; i < todo.length; i += size) {
    const slice = todo.slice(i, i + size);
    const result = await backend.replay(
      slice.map((l) => l.id),
      parsed.by,
    );
    replayed += result.replayed.length;
    skipped += result.skipped.length;
    bar.increment(slice.length, { topic: slice.at(-1)?.sourceTopic ?? "" });
  }
  bar.stop();
  const topics = [...new Set(todo.map((l) => l.sourceTopic))].join(", ") || "-";
  out(
    `replayed ${replayed}, skipped ${skipped} already replayed, by ${parsed.by}, to ${topics} (${backend.where})`,
  );
  return 0;
}

function table(rows: DeadLetterRow[]): string {
  return formatTable(
    ["TOPIC", "PARTITION", "OFFSET", "ERROR", "ATTEMPTS", "FIRST FAILURE", "CORRELATION ID", "REPLAYED"],
    rows.map((r) => [
      r.topic,
      String(r.partition),
      r.offset,
      r.error
        .replace(/^\w*Error: /, "")
        .replace(/\s+/g, " ")
        .slice(0, 80),
      r.attempts === null ? "-" : String(r.attempts),
      r.firstFailedAt ?? "-",
      r.correlationId ?? "-",
      r.replayed ? `${r.replayed.at} by ${r.replayed.by}` : "no",
    ]),
  );
}

function parse(args: string[]): Parsed | "help" {
  const { values, positionals } = parseArgs({
    args,
    options: {
      topic: { type: "string" },
      since: { type: "string" },
      reason: { type: "string" },
      all: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      by: { type: "string" },
      url: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return "help";
  const [sub, ...rest] = positionals;
  if (sub !== "list" && sub !== "show" && sub !== "replay")
    throw new Error(sub ? `unknown dlq command "${sub}"` : "missing dlq command");
  if (sub === "show" && rest.length !== 1)
    throw new Error("dlq show takes one id: <topic>:<partition>:<offset>");
  if (sub !== "show" && rest.length > 0) throw new Error(`unexpected argument "${rest[0]}"`);
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since)))
    throw new Error(`--since: not a time: ${values.since}`);
  return {
    sub,
    ...(sub === "show" ? { id: rest[0]! } : {}),
    filter: {
      ...(values.topic ? { topic: values.topic } : {}),
      ...(values.since ? { since: new Date(values.since).toISOString() } : {}),
      ...(values.reason ? { reason: values.reason } : {}),
    },
    all: values.all ?? false,
    dryRun: values["dry-run"] ?? false,
    by: values.by ?? userInfo().username,
    ...(values.url ? { url: values.url } : {}),
  };
}

async function openBackend(
  env: Record<string, string | undefined>,
  platformEnv: PlatformEnv,
  url: string | undefined,
): Promise<DlqBackend> {
  if (platformEnv.KAFKA_BROKERS) {
    const platform = await openPlatform({
      service: "cli",
      kafkaBrokers: platformEnv.KAFKA_BROKERS,
      dataDir: platformEnv.DATA_DIR,
      needsDatabase: false,
      logger: silentLogger(),
    });
    return directBackend(platform, `Kafka (${platformEnv.KAFKA_BROKERS.join(",")})`);
  }
  const base = (url ?? `http://127.0.0.1:${platformEnv.PORT}`).replace(/\/+$/, "");
  if (!url && !platformEnv.DATABASE_URL) {
    try {
      const platform = await openPlatform({
        service: "cli",
        dataDir: platformEnv.DATA_DIR,
        needsDatabase: false,
        logger: silentLogger(),
      });
      return directBackend(platform, `the embedded event log in ${platformEnv.DATA_DIR}`);
    } catch (e) {
      if ((e as { code?: unknown }).code !== "data_dir_locked") throw e;
    }
  }
  const key = runningInstanceKey(env, platformEnv.DATA_DIR);
  if (!key) throw new Error("no admin API key: set ADMIN_API_KEYS to the running instance's admin key");
  return apiBackend(new AdminClient(base, key));
}
