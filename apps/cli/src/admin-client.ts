import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseApiKeys } from "@loginguard/auth";

/**
 * The admin key to call a running instance with: the first of ADMIN_API_KEYS, else the one
 * `loginguard start` generated and keeps in DATA_DIR/secrets.json. Undefined when neither exists.
 */
export function runningInstanceKey(
  env: Record<string, string | undefined>,
  dataDir: string,
): string | undefined {
  if (env.ADMIN_API_KEYS) {
    const first = parseApiKeys(env.ADMIN_API_KEYS).values().next().value;
    if (first) return first;
  }
  try {
    const secrets = JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8")) as {
      adminApiKey?: unknown;
    };
    return typeof secrets.adminApiKey === "string" ? secrets.adminApiKey : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON client of a running instance's admin API; errors name the URL and the problem's words. */
export class AdminClient {
  constructor(
    readonly base: string,
    private readonly key: string,
  ) {}

  async call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const url = `${this.base}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new Error(
        `nothing answers at ${this.base} (${cause}); pass --url with the running instance's address`,
      );
    }
    const text = await res.text();
    if (!res.ok) {
      let detail = text.slice(0, 500);
      try {
        const problem = JSON.parse(text) as { title?: string; detail?: string };
        detail = [problem.title, problem.detail].filter(Boolean).join(": ") || detail;
      } catch {
        // not problem+json: the raw text says it
      }
      if (res.status === 401) detail = "the admin API key was refused (set ADMIN_API_KEYS)";
      throw new Error(`${method} ${url} answered ${res.status}: ${detail}`);
    }
    return JSON.parse(text) as T;
  }
}
