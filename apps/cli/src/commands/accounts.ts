import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadPlatformEnv } from "@loginguard/platform";
import { processEnv } from "../env";
import type { StaffCommandIo } from "./staff";
import { adminKey } from "./staff";

const USAGE = `loginguard accounts export <accountId> --reason TEXT [--out FILE] [--url URL]

  Saves everything loginguard holds about a player account, from every service, as one JSON
  document (GET /v1/staff/accounts/{accountId}/export; audited with the reason). Written to
  --out (default loginguard-export-<accountId>.json). Uses the admin API key (ADMIN_API_KEYS, else
  the generated one in DATA_DIR/secrets.json) at --url, LOGINGUARD_URL or http://localhost:PORT.
`;

/** `loginguard accounts export ...`; answers the exit code (0 saved, 1 failed, 2 bad usage). */
export async function accountsCommand(args: string[], io: StaffCommandIo = {}): Promise<number> {
  const env = io.env ?? processEnv();
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const [sub, ...rest] = args;
  if (sub !== "export") {
    (sub === undefined || sub === "help" || sub === "--help" ? stdout : stderr).write(USAGE);
    return sub === "help" || sub === "--help" ? 0 : 2;
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (err) {
    stderr.write(`loginguard accounts: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { accountId, reason, out } = parsed;
  const platform = loadPlatformEnv(env);
  const base = (parsed.url ?? env.LOGINGUARD_URL ?? `http://localhost:${platform.PORT}`).replace(/\/+$/, "");
  try {
    const res = await fetch(
      `${base}/v1/staff/accounts/${encodeURIComponent(accountId)}/export?reason=${encodeURIComponent(reason)}`,
      {
        headers: { authorization: `Bearer ${adminKey(env, platform.DATA_DIR)}`, accept: "application/json" },
      },
    );
    const text = await res.text();
    if (!res.ok) throw new Error(`${base} answered ${res.status}: ${text.slice(0, 500)}`);
    const doc = JSON.parse(text) as { services: Record<string, unknown> };
    const file = out ?? `loginguard-export-${accountId.replace(/[^A-Za-z0-9._-]/g, "_")}.json`;
    writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
    stdout.write(`saved ${file} (${Object.keys(doc.services).join(", ")})\n`);
    return 0;
  } catch (err) {
    stderr.write(`loginguard accounts: ${(err as Error).message}\n`);
    return 1;
  }
}

function parse(args: string[]): { accountId: string; reason: string; out?: string; url?: string } {
  const { values, positionals } = parseArgs({
    args,
    options: { reason: { type: "string" }, out: { type: "string" }, url: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  const [accountId] = positionals;
  if (!accountId || positionals.length > 1) throw new Error("give exactly one accountId");
  if (!values.reason?.trim()) throw new Error("--reason is required (it goes to the audit trail)");
  return { accountId, reason: values.reason.trim(), out: values.out, url: values.url };
}
