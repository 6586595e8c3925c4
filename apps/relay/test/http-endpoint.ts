import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the endpoint received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** JSON body, or undefined when it is not JSON. */
  json: unknown;
  at: number;
}

/** How the endpoint answers a request: status, headers and body, after an optional delay. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | object;
  delayMs?: number;
}

export type Responder = (request: ReceivedRequest, index: number) => Reply | Promise<Reply>;

/** A real HTTP endpoint on 127.0.0.1 for the relay to call: records every request, answers with `respond`. */
export interface TestEndpoint {
  readonly url: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  /** Requests being handled right now, and the most at once so far. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  respond: Responder;
  close(): Promise<void>;
}

/** Starts an endpoint on `port` (0: a free one). */
export async function startEndpoint(respond: Responder, port = 0): Promise<TestEndpoint> {
  let inFlight = 0;
  let maxInFlight = 0;
  const requests: ReceivedRequest[] = [];
  const endpoint = {
    url: "",
    port: 0,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    respond,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const received: ReceivedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body,
        json,
        at: Date.now(),
      };
      const index = requests.push(received) - 1;
      void answer(received, index, res);
    });
  });
  const answer = async (received: ReceivedRequest, index: number, res: ServerResponse) => {
    try {
      const reply = await endpoint.respond(received, index);
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      const body =
        reply.body === undefined
          ? ""
          : typeof reply.body === "string"
            ? reply.body
            : JSON.stringify(reply.body);
      const headers = {
        ...(typeof reply.body === "object" ? { "content-type": "application/json" } : {}),
        ...reply.headers,
      };
      if (!res.destroyed) res.writeHead(reply.status, headers).end(body);
    } catch (err) {
      if (!res.destroyed) res.writeHead(500).end(String(err));
    } finally {
      inFlight--;
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  endpoint.port = actual;
  endpoint.url = `http://127.0.0.1:${actual}`;
  endpoint.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return endpoint;
}

/** A loopback port with nothing listening on it (connections are refused), for "endpoint down". */
export async function closedPort(): Promise<number> {
  const probe = await startEndpoint(() => ({ status: 204 }));
  const port = probe.port;
  await probe.close();
  return port;
}
