import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** One answer, with the time from sending the request to the end of the answer. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

/**
 * A keep-alive HTTP client bound to one base URL: the simulator talks to the instance it was
 * given and nothing else. node:http rather than fetch: a fraction of the client CPU per request,
 * which matters when the client shares the machine with the instance it measures.
 */
export class InstanceClient {
  readonly #base: URL;
  readonly #agent: HttpAgent;
  readonly #request: typeof httpRequest;

  constructor(
    baseUrl: string,
    private readonly key: string | undefined,
    maxSockets = 16,
    private readonly timeoutMs = 30_000,
  ) {
    this.#base = new URL(baseUrl);
    const https = this.#base.protocol === "https:";
    this.#agent = https
      ? new HttpsAgent({ keepAlive: true, maxSockets })
      : new HttpAgent({ keepAlive: true, maxSockets });
    this.#request = https ? httpsRequest : httpRequest;
  }

  /**
   * Sends `method path` with the ingest key (or `bearer`, when given) and a JSON body (when
   * given).
   */
  send(method: string, path: string, body?: unknown, bearer?: string): Promise<HttpAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { accept: "application/json" };
    const key = bearer ?? this.key;
    if (key) headers.authorization = `Bearer ${key}`;
    if (payload) {
      headers["content-type"] = "application/json";
      headers["content-length"] = payload.length;
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = this.#request(
        {
          protocol: this.#base.protocol,
          hostname: this.#base.hostname,
          port: this.#base.port,
          path: `${this.#base.pathname.replace(/\/+$/, "")}${path}`,
          method,
          headers,
          agent: this.#agent,
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString("utf8"),
              ms: performance.now() - started,
            }),
          );
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** `GET /v1/accounts/{id}/status[?ip=]` parsed; undefined when it did not answer 200. */
  async status(accountId: string, ip?: string): Promise<AccountStatus | undefined> {
    const query = ip ? `?ip=${encodeURIComponent(ip)}` : "";
    const answer = await this.send("GET", `/v1/accounts/${encodeURIComponent(accountId)}/status${query}`);
    return answer.status === 200 ? (JSON.parse(answer.body) as AccountStatus) : undefined;
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** The status answer as game servers read it (docs/ARCHITECTURE.md section 6). */
export interface AccountStatus {
  locked: boolean;
  lockedAt?: string | null;
  reason?: string | null;
  blockedCountries?: string[];
  allowedCountries?: string[];
  ipFlagged?: boolean;
}
