import { type ChildProcess, spawn } from "node:child_process";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { freePort } from "./child-product";

const APPS = fileURLToPath(new URL("../../../apps/", import.meta.url));

/** One service process: `node --import tsx apps/<app>/src/main.ts` on its own port. */
export interface ServiceProcess {
  /** e.g. `logger-2`. */
  readonly name: string;
  readonly app: string;
  readonly url: string;
  readonly pid: number;
  alive(): boolean;
  /** The last of its stdout and stderr. */
  output(): string;
  /** SIGKILL (no shutdown, no LeaveGroup); resolves when it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown); resolves when it is gone. */
  stop(): Promise<void>;
}

/**
 * Starts `app`'s own entry point (what `npm start -w @loginguard/<app>` runs) with `env` and a
 * free port, and resolves once its `/readyz` answers 200 (event log and database connected).
 */
export async function startService(
  name: string,
  app: string,
  env: Record<string, string>,
  readyTimeoutMs = 120_000,
): Promise<ServiceProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", `${APPS}${app}/src/main.ts`], {
    cwd: `${APPS}${app}`,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = {
    name,
    app,
    url,
    pid: child.pid ?? -1,
    alive,
    output: () => output,
    async kill() {
      if (alive()) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (alive()) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (!alive())
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${output.slice(-3000)}`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.status === 200) return service;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await service.kill();
      throw new Error(`${name} not ready after ${readyTimeoutMs} ms:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Route {
  pattern: RegExp;
  app: string;
}

/**
 * One origin in front of the services, as the README suggests for production: each request goes
 * to the app whose OpenAPI document declares its path (anything else to the portal's pages), to
 * the replicas of that app in turn, skipping a replica that refuses the connection.
 */
export interface ServiceProxy {
  readonly url: string;
  close(): Promise<void>;
}

export async function startServiceProxy(
  services: ServiceProcess[],
  fallbackApp = "portal",
): Promise<ServiceProxy> {
  const routes: Route[] = [];
  for (const app of new Set(services.map((s) => s.app))) {
    const first = services.find((s) => s.app === app)!;
    const res = await fetch(`${first.url}/openapi.json`);
    const doc = (await res.json()) as { paths?: Record<string, unknown> };
    for (const path of Object.keys(doc.paths ?? {})) {
      const source = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+");
      routes.push({ pattern: new RegExp(`^${source}$`), app });
    }
  }
  const turn = new Map<string, number>();
  const targetsOf = (path: string): ServiceProcess[] => {
    const app = routes.find((r) => r.pattern.test(path))?.app ?? fallbackApp;
    const replicas = services.filter((s) => s.app === app && s.alive());
    const start = (turn.get(app) ?? 0) % Math.max(1, replicas.length);
    turn.set(app, start + 1);
    return [...replicas.slice(start), ...replicas.slice(0, start)];
  };

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, targets: ServiceProcess[]) => {
    const target = targets[0];
    if (!target) {
      res.writeHead(502, { "content-type": "text/plain" }).end("no replica answers");
      return;
    }
    const upstream = httpRequest(
      `${target.url}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: new URL(target.url).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (err: NodeJS.ErrnoException) => {
      if (!res.headersSent && (err.code === "ECONNREFUSED" || err.code === "ECONNRESET"))
        forward(req, body, res, targets.slice(1));
      else res.destroy(err);
    });
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () =>
      forward(req, Buffer.concat(chunks), res, targetsOf(new URL(req.url ?? "/", "http://x").pathname)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
