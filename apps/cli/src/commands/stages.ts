import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { loadPlatformEnv } from "@loginguard/platform";
import { AdminClient, runningInstanceKey } from "../admin-client";
import { processEnv } from "../env";
import { formatTable } from "./table";
import type { CommandIo } from "./topics";

const USAGE = `usage: loginguard stages list                              [--url U]...
       loginguard stages set <stage> --max-in-flight N      [--reason TEXT] [--url U]...
       loginguard stages pause <stage>                      [--reason TEXT] [--url U]...
       loginguard stages resume <stage>                     [--reason TEXT] [--url U]...

Each stage's in-flight limit (backpressure) and paused state, changed at run time without a
restart through each process's admin API (POST /v1/admin/stages/<stage>); visible in /metrics
(loginguard_stage_max_in_flight, loginguard_stage_paused) and audited (docs/ARCHITECTURE.md
section 9). In distributed mode give every service's URL (--url once per process): a change goes
to every process that runs the stage. Default URL: http://127.0.0.1:$PORT. Admin key: the first
of ADMIN_API_KEYS, else DATA_DIR/secrets.json.`;

interface StageRow {
  name: string;
  service: string;
  instances: number;
  maxInFlight: number | null;
  inFlight: number;
  paused: boolean;
}

/** `loginguard stages ...`; returns the exit code: 0 done, 1 failed, 2 bad usage. */
export async function stagesCommand(args: string[], io: CommandIo = {}): Promise<number> {
  const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  let values: ReturnType<typeof parse>["values"];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(args));
  } catch (e) {
    err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const [sub, stage, ...rest] = positionals;
  const usage = (message: string) => {
    err(`${message}\n\n${USAGE}`);
    return 2;
  };
  if (!sub || !["list", "set", "pause", "resume"].includes(sub))
    return usage(`unknown stages command "${sub ?? ""}"`);
  if (sub !== "list" && !stage) return usage(`stages ${sub} needs a stage name`);
  if (rest.length > 0 || (sub === "list" && stage)) return usage(`unexpected argument "${rest[0] ?? stage}"`);
  let limit: number | undefined;
  if (sub === "set") {
    limit = Number(values["max-in-flight"]);
    if (!Number.isInteger(limit) || limit < 1) return usage("--max-in-flight must be a positive integer");
  }

  const env = io.env ?? processEnv();
  let clients: AdminClient[];
  try {
    const platformEnv = loadPlatformEnv(env);
    const key = runningInstanceKey(env, platformEnv.DATA_DIR);
    if (!key) throw new Error("no admin API key: set ADMIN_API_KEYS");
    const urls = values.url?.length ? values.url : [`http://127.0.0.1:${platformEnv.PORT}`];
    clients = urls.map((u) => new AdminClient(u.replace(/\/+$/, ""), key));
  } catch (e) {
    err(`stages: ${(e as Error).message}`);
    return 1;
  }
  try {
    const listed = await Promise.all(
      clients.map(async (c) => ({
        client: c,
        stages: (await c.call<{ stages: StageRow[] }>("GET", "/v1/admin/stages")).stages,
      })),
    );
    if (sub === "list") {
      const rows = listed.flatMap(({ client, stages }) => stages.map((s) => ({ ...s, url: client.base })));
      out(
        formatTable(
          ["STAGE", "SERVICE", "MAX IN FLIGHT", "IN FLIGHT", "PAUSED", "URL"],
          rows.map((r) => [
            r.name,
            r.service,
            String(r.maxInFlight ?? "-"),
            String(r.inFlight),
            r.paused ? "yes" : "no",
            r.url,
          ]),
        ),
      );
      return 0;
    }
    const targets = listed.filter(({ stages }) => stages.some((s) => s.name === stage));
    if (targets.length === 0) {
      const known = [...new Set(listed.flatMap(({ stages }) => stages.map((s) => s.name)))].sort();
      err(
        `no process at ${clients.map((c) => c.base).join(", ")} runs stage ${stage}; known: ${known.join(", ")}`,
      );
      return 1;
    }
    const body = {
      ...(sub === "set" ? { maxInFlight: limit } : { paused: sub === "pause" }),
      by: values.by ?? userInfo().username,
      ...(values.reason ? { reason: values.reason } : {}),
    };
    for (const { client } of targets) {
      const after = await client.call<StageRow>(
        "POST",
        `/v1/admin/stages/${encodeURIComponent(stage!)}`,
        body,
      );
      out(
        `${stage} at ${client.base} (${after.service}): max in flight ${after.maxInFlight}, ${after.paused ? "paused" : "running"}`,
      );
    }
    return 0;
  } catch (e) {
    err(`stages ${sub} failed: ${(e as Error).message}`);
    return 1;
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      "max-in-flight": { type: "string" },
      reason: { type: "string" },
      by: { type: "string" },
      url: { type: "string", multiple: true },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
}
