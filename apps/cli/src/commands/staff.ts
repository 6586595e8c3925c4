import { createInterface } from "node:readline";
import { type Readable, Writable } from "node:stream";
import { parseArgs } from "node:util";
import { parseApiKeys } from "@loginguard/auth";
import { type Database, DataDirLockedError, migrate, openDatabase } from "@loginguard/db";
import { loadPlatformEnv } from "@loginguard/platform";
import { type NewStaff, NewStaffBody, PORTAL_SCHEMA, StaffExistsError, StaffStore } from "@loginguard/portal";
import { loadOrCreateSecrets } from "../embedded-secrets";
import { processEnv } from "../env";

const USAGE = `loginguard staff add --email E --role support|admin [--password-stdin] [--url URL]

  Adds a support staff account. The password is asked for twice (hidden), or read from
  standard input with --password-stdin (one line), e.g. from a secrets manager.

  Embedded mode opens DATA_DIR directly; when a running instance holds it, the account is
  added through that instance's admin API (POST /v1/admin/staff) with the admin API key
  (ADMIN_API_KEYS, else the generated one in DATA_DIR/secrets.json) at --url, LOGINGUARD_URL
  or http://localhost:PORT. With DATABASE_URL set, the portal's schema there is used.
`;

/** Where the command reads and writes (tests pass their own). */
export interface StaffCommandIo {
  env?: Record<string, string | undefined>;
  stdin?: Readable & { isTTY?: boolean };
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

class UsageError extends Error {}

/** `loginguard staff add ...`; answers the exit code (0 done, 1 failed, 2 bad usage). */
export async function staffCommand(args: string[], io: StaffCommandIo = {}): Promise<number> {
  const env = io.env ?? processEnv();
  const stdin = io.stdin ?? process.stdin;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "help" || sub === "--help") {
    stdout.write(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "add") {
    stderr.write(`unknown staff command: ${sub}\n\n${USAGE}`);
    return 2;
  }
  let input: NewStaff;
  let url: string | undefined;
  try {
    const { values } = parseArgs({
      args: rest,
      options: {
        email: { type: "string" },
        role: { type: "string" },
        "password-stdin": { type: "boolean", default: false },
        url: { type: "string" },
      },
      strict: true,
    });
    if (!values.email || !values.role) throw new UsageError("--email and --role are required");
    const password = values["password-stdin"] ? await readLine(stdin) : await promptPassword(stdin, stderr);
    const parsed = NewStaffBody.safeParse({ email: values.email, role: values.role, password });
    if (!parsed.success) {
      throw new UsageError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    }
    input = parsed.data;
    url = values.url;
  } catch (err) {
    stderr.write(`loginguard staff: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }

  try {
    const added = await addStaff(input, env, url);
    stdout.write(`added ${input.role} ${added.email} (${added.via})\n`);
    return 0;
  } catch (err) {
    stderr.write(`loginguard staff: ${(err as Error).message}\n`);
    return 1;
  }
}

/** Adds the account directly in the database, or through the running instance that holds it. */
async function addStaff(
  input: NewStaff,
  env: Record<string, string | undefined>,
  url: string | undefined,
): Promise<{ email: string; via: string }> {
  const platform = loadPlatformEnv(env);
  let db: Database;
  try {
    db = await openDatabase(
      platform.DATABASE_URL ? { databaseUrl: platform.DATABASE_URL } : { dataDir: platform.DATA_DIR },
    );
  } catch (err) {
    if (!(err instanceof DataDirLockedError)) throw err;
    const base = (url ?? env.LOGINGUARD_URL ?? `http://localhost:${platform.PORT}`).replace(/\/+$/, "");
    const email = await addThroughApi(input, base, adminKey(env, platform.DATA_DIR));
    return { email, via: `through the running instance at ${base}, process ${err.pid}` };
  }
  try {
    await migrate(db, PORTAL_SCHEMA);
    const account = await new StaffStore(db).create({ ...input, createdBy: "loginguard staff add" });
    return {
      email: account.email,
      via: platform.DATABASE_URL ? "in DATABASE_URL" : `in ${platform.DATA_DIR}`,
    };
  } catch (err) {
    if (err instanceof StaffExistsError)
      throw new Error(`a staff account with email ${err.email} already exists`);
    throw err;
  } finally {
    await db.close();
  }
}

/** The first admin API key: ADMIN_API_KEYS, else the one embedded mode generated. */
export function adminKey(env: Record<string, string | undefined>, dataDir: string): string {
  if (env.ADMIN_API_KEYS) {
    const first = parseApiKeys(env.ADMIN_API_KEYS).values().next().value;
    if (first) return first;
  }
  return loadOrCreateSecrets(dataDir).secrets.adminApiKey;
}

async function addThroughApi(input: NewStaff, base: string, key: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${base}/v1/admin/staff`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(input),
    });
  } catch (err) {
    throw new Error(
      `the data directory is in use, and ${base} does not answer (${(err as Error).message}); pass --url`,
    );
  }
  const body = (await res.json().catch(() => ({}))) as {
    staff?: { email: string };
    detail?: string;
    errors?: unknown;
  };
  if (res.status === 201 && body.staff) return body.staff.email;
  if (res.status === 409) throw new Error(`a staff account with email ${input.email} already exists`);
  if (res.status === 401 || res.status === 403)
    throw new Error(`${base} refused the admin API key (set ADMIN_API_KEYS)`);
  throw new Error(`${base} answered ${res.status}: ${body.detail ?? JSON.stringify(body.errors ?? body)}`);
}

/** One line of standard input, without its line ending. */
async function readLine(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const text = Buffer.concat(chunks).toString("utf8");
  const line = text.split(/\r?\n/)[0] ?? "";
  if (!line) throw new UsageError("--password-stdin read an empty password");
  return line;
}

/** Asks for the password twice without echoing it. */
async function promptPassword(
  stdin: Readable & { isTTY?: boolean },
  out: NodeJS.WritableStream,
): Promise<string> {
  if (!stdin.isTTY) throw new UsageError("no terminal to ask for the password: use --password-stdin");
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      const muted = new Writable({ write: (_chunk, _enc, done) => done() });
      const rl = createInterface({ input: stdin, output: muted, terminal: true });
      out.write(question);
      rl.question("", (answer) => {
        rl.close();
        out.write("\n");
        resolve(answer);
      });
    });
  const first = await ask("Password: ");
  const second = await ask("Password again: ");
  if (first !== second) throw new UsageError("the two passwords differ");
  return first;
}
