import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type StartedLoginguard, startLoginguard } from "@loginguard/cli";
import { configureLogging } from "@loginguard/observability";

/** The whole product, started in this process on embedded defaults in a temp DATA_DIR. */
export interface Product {
  url: string;
  dataDir: string;
  ingestKey: string;
  adminKey: string;
  playerSecret: string;
  started: StartedLoginguard;
  stop(): Promise<void>;
}

export async function startProduct(env: Record<string, string> = {}): Promise<Product> {
  configureLogging({ level: "warn" });
  const dataDir = mkdtempSync(join(tmpdir(), "loginguard-portal-e2e-"));
  const started = await startLoginguard({ DATA_DIR: dataDir, PORT: "0", ...env });
  const secrets = started.secrets;
  if (!secrets) throw new Error("expected embedded mode");
  return {
    url: started.url.replace("localhost", "127.0.0.1"),
    dataDir,
    ingestKey: secrets.ingestApiKey,
    adminKey: secrets.adminApiKey,
    playerSecret: secrets.playerTokenSecret,
    started,
    async stop() {
      await started.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One login as a game server reports it. */
export interface Login {
  eventId: string;
  accountId: string;
  occurredAt: string;
  ip: string;
  result: "success" | "failure";
  userAgent?: string;
  deviceId?: string;
  sessionId?: string;
}

export const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** Calls the product's API with a key; throws on an unexpected status. */
export async function call<T>(
  product: Product,
  path: string,
  init: { method?: string; key?: string; body?: unknown; expect?: number } = {},
): Promise<T> {
  const res = await fetch(`${product.url}${path}`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${init.key ?? product.adminKey}`,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  if (init.expect !== undefined ? res.status !== init.expect : !res.ok) {
    throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${text}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function postLogins(product: Product, events: Login[]): Promise<void> {
  await call(product, "/v1/logins", {
    method: "POST",
    key: product.ingestKey,
    body: { events },
    expect: 202,
  });
}

export async function putContact(product: Product, accountId: string, contact: Record<string, string>) {
  await call(product, `/v1/accounts/${encodeURIComponent(accountId)}/contact`, {
    method: "PUT",
    key: product.ingestKey,
    body: contact,
    expect: 200,
  });
}

/** Polls until `probe` answers something truthy. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 45_000,
) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** The account's security state as staff see it. */
export function security(product: Product, accountId: string) {
  return call<{ state: { locked: boolean } }>(
    product,
    `/v1/accounts/${encodeURIComponent(accountId)}/security`,
  );
}

/** The newest unlock code in the outbox for an account (embedded mode keeps messages there). */
export async function unlockCodeFromOutbox(
  product: Product,
  accountId: string,
  after: number,
): Promise<string> {
  return eventually("the unlock code in the outbox", async () => {
    const { items } = await call<{ items: Array<{ text: string; createdAt: string }> }>(
      product,
      `/v1/outbox?accountId=${encodeURIComponent(accountId)}`,
    );
    for (const m of items) {
      if (Date.parse(m.createdAt) < after) continue;
      const code = m.text.match(/unlock code is (\d{6})/)?.[1] ?? m.text.match(/코드는 (\d{6})/)?.[1];
      if (code) return code;
    }
    return undefined;
  });
}

/** Where screenshots go: docs/screenshots with LOGINGUARD_SCREENSHOTS=1, else a temp dir. */
export function screenshotDir(): string {
  if (process.env.LOGINGUARD_SCREENSHOTS === "1") {
    const dir = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  return mkdtempSync(join(tmpdir(), "loginguard-shots-"));
}
