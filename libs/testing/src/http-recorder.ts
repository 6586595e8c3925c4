import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** What to answer: a status and a JSON body. */
export interface Reply {
  status: number;
  body?: unknown;
}

export interface HttpRecorder {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Sets how the next requests are answered (by request, in order). */
  reply(fn: (req: RecordedRequest, index: number) => Reply): void;
  close(): Promise<void>;
}

/** A loopback HTTP server that records every request and answers as told. */
export async function startHttpRecorder(
  answer: (req: RecordedRequest, index: number) => Reply = () => ({ status: 200 }),
): Promise<HttpRecorder> {
  const requests: RecordedRequest[] = [];
  let respond = answer;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      const { status, body } = respond(recorded, requests.length - 1);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body === undefined ? "" : JSON.stringify(body));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    reply(fn) {
      respond = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
