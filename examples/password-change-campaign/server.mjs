// @ts-check
/**
 * A password-change campaign as a team outside loginguard would write it: plain node:http, no
 * Kafka client, no loginguard code. Two relay routes (infra/routes/) connect it to the flow:
 *
 *   login.attempted --(stream route)--> POST /logins --> campaign.password-change
 *   campaign.password-change --(sink route)--> POST /prompted
 *
 * Events arrive in the CloudEvents HTTP binding, binary mode: attributes in `ce-*` headers, the
 * event's data as the JSON body, `idempotency-key` = the event id (the relay may deliver twice).
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

const LOGIN_ATTEMPTED = "loginguard.login.attempted.v1";
const PROMPTED = "campaign.password-change.prompted";
const MAX_BODY = 1024 * 1024;

/**
 * @typedef {{ name: string, accounts: string[], message: Record<string, string> }} Campaign
 * @typedef {{ id: string, accountId: string, correlationId: string | null, campaign: string, receivedAt: string }} Prompt
 */

/** @param {string} path @returns {Campaign} */
export function loadCampaign(path) {
  const campaign = JSON.parse(readFileSync(path, "utf8"));
  if (typeof campaign.name !== "string" || !Array.isArray(campaign.accounts)) {
    throw new Error(`${path}: expected {"name": string, "accounts": [string, ...], "message": {...}}`);
  }
  return campaign;
}

/**
 * @param {import("node:http").IncomingMessage} req
 * @returns {Promise<string>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on("data", (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {unknown} [body]
 * @param {Record<string, string>} [headers]
 */
function send(res, status, body, headers = {}) {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

/** @param {string | string[] | undefined} value */
function header(value) {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Starts the campaign service.
 * @param {{ campaign: Campaign, port?: number, host?: string, token?: string }} options
 *   `token`: when set, every POST needs `Authorization: Bearer <token>` (the route's `auth`).
 * @returns {Promise<{ url: string, prompts: Prompt[], close(): Promise<void> }>}
 */
export function startCampaignServer(options) {
  const members = new Set(options.campaign.accounts);
  /** @type {Prompt[]} */
  const prompts = [];
  const seen = new Set();

  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (req.method === "GET" && path === "/healthz") return send(res, 200, { ok: true });
      if (req.method === "GET" && path === "/prompted") return send(res, 200, { prompted: prompts });
      if (req.method !== "POST") return send(res, 404, { error: "not found" });
      if (options.token && header(req.headers.authorization) !== `Bearer ${options.token}`) {
        return send(res, 401, { error: "missing or wrong bearer token" });
      }
      let data;
      try {
        data = JSON.parse(await readBody(req));
      } catch {
        return send(res, 400, { error: "the body must be JSON" });
      }

      if (path === "/logins") {
        // Only successful logins of campaign members get a prompt; everything else: 204.
        if (header(req.headers["ce-type"]) !== LOGIN_ATTEMPTED) return send(res, 204);
        if (typeof data?.accountId !== "string") return send(res, 400, { error: "accountId missing" });
        if (data.result !== "success" || !members.has(data.accountId)) return send(res, 204);
        // Binary mode answer: the relay publishes the body as the event's data, with this type.
        return send(
          res,
          200,
          {
            accountId: data.accountId,
            campaign: options.campaign.name,
            loginEventId: data.eventId,
            occurredAt: data.occurredAt,
            gameId: data.gameId ?? null,
            message: options.campaign.message,
          },
          { "ce-type": PROMPTED, "ce-source": "urn:example:password-change-campaign" },
        );
      }

      if (path === "/prompted") {
        // A sink: record each prompt once, however often it is delivered.
        const id = header(req.headers["idempotency-key"]) ?? header(req.headers["ce-id"]);
        if (!id) return send(res, 400, { error: "idempotency-key missing" });
        if (!seen.has(id)) {
          seen.add(id);
          prompts.push({
            id,
            accountId: String(data?.accountId ?? ""),
            correlationId: header(req.headers["ce-correlationid"]) ?? null,
            campaign: String(data?.campaign ?? ""),
            receivedAt: new Date().toISOString(),
          });
          console.log(`prompted ${data?.accountId} (login ${data?.loginEventId})`);
        }
        return send(res, 204);
      }
      return send(res, 404, { error: "not found" });
    } catch (err) {
      return send(res, 500, { error: String(err) });
    }
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8090, options.host ?? "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      resolve({
        url: `http://${options.host ?? "127.0.0.1"}:${port}`,
        prompts,
        close: () => new Promise((done) => server.close(() => done(undefined))),
      });
    });
  });
}

// Run as a program: `node server.mjs` (PORT, HOST, CAMPAIGN_FILE, CAMPAIGN_TOKEN).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const campaignFile =
    process.env.CAMPAIGN_FILE ?? fileURLToPath(new URL("./campaign.json", import.meta.url));
  const running = await startCampaignServer({
    campaign: loadCampaign(campaignFile),
    port: Number(process.env.PORT ?? 8090),
    host: process.env.HOST ?? "127.0.0.1",
    ...(process.env.CAMPAIGN_TOKEN ? { token: process.env.CAMPAIGN_TOKEN } : {}),
  });
  console.log(`password-change campaign listening on ${running.url}`);
  const shutdown = () => void running.close().then(() => process.exit(0));
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}
