import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhook } from "./webhook-signature";

/** The path the product is told to post webhooks to. */
export const WEBHOOK_PATH = "/webhooks";
const MAX_BODY_BYTES = 1 << 20;

/** A webhook whose signature verified. */
export interface ReceivedWebhook {
  id: string;
  type: string;
  /** The payload's `timestamp`: when what it reports happened. */
  timestamp: string;
  data: Record<string, unknown>;
  receivedAt: number;
}

export interface GameServerReceiver {
  /** `http://127.0.0.1:<port>/webhooks`. */
  url: string;
  port: number;
  /** Verified webhooks, one per webhook-id (retries of one message are counted in `repeats`). */
  received(): ReceivedWebhook[];
  /** Requests refused because the signature or timestamp did not verify, with why. */
  signatureFailures(): string[];
  /** Deliveries of a webhook-id already received (the responder retried). */
  repeats(): number;
  close(): Promise<void>;
}

/**
 * The game server's side: a loopback HTTP endpoint that verifies every webhook (401 when the
 * signature does not verify), keeps one per webhook-id, and calls `onWebhook` for each new one.
 */
export async function startGameServerReceiver(options: {
  port: number;
  secret: string;
  onWebhook?: (webhook: ReceivedWebhook) => void;
}): Promise<GameServerReceiver> {
  const received = new Map<string, ReceivedWebhook>();
  const failures: string[] = [];
  let repeats = 0;
  const server: Server = createServer((req, res) => {
    if (req.method !== "POST" || req.url?.split("?")[0] !== WEBHOOK_PATH) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        return;
      }
      const body = Buffer.concat(chunks).toString("utf8");
      const check = verifyWebhook(options.secret, req.headers, body);
      if (!check.ok) {
        failures.push(check.reason);
        res
          .writeHead(401, { "content-type": "application/json" })
          .end(JSON.stringify({ error: check.reason }));
        return;
      }
      if (received.has(check.id)) {
        repeats++;
        res.writeHead(204).end();
        return;
      }
      let payload: { type?: unknown; timestamp?: unknown; data?: unknown };
      try {
        payload = JSON.parse(body) as typeof payload;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const webhook: ReceivedWebhook = {
        id: check.id,
        type: String(payload.type),
        timestamp: String(payload.timestamp),
        data:
          typeof payload.data === "object" && payload.data !== null
            ? (payload.data as Record<string, unknown>)
            : {},
        receivedAt: Date.now(),
      };
      received.set(check.id, webhook);
      res.writeHead(204).end();
      options.onWebhook?.(webhook);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `the webhook receiver cannot listen on 127.0.0.1:${options.port}: ${err.code ?? err.message}`,
        ),
      ),
    );
    server.listen(options.port, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    port,
    received: () => [...received.values()],
    signatureFailures: () => [...failures],
    repeats: () => repeats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
