import { runServices } from "@loginguard/bus";
import {
  createApp,
  listen,
  mountOpenApi,
  mountOperationalRoutes,
  openApiDocument,
  type ServiceModule,
} from "@loginguard/http";
import { createLogger } from "@loginguard/observability";
import { operationsRoutes } from "./admin/index";
import type { Platform } from "./open-platform";

/**
 * Runs modules as one process: an HTTP server with their routes plus health, readiness,
 * metrics and OpenAPI, their stages, and a SIGTERM handler that stops everything in reverse
 * order (HTTP first, then stages drain and commit, then the event log and database close).
 */
export async function runModules(
  title: string,
  modules: ServiceModule[],
  platform: Platform,
  options: { port: number; host?: string },
): Promise<{ url: string; stop(): Promise<void>; stopped: Promise<void> }> {
  const logger = createLogger(title);
  const app = createApp({ service: title, logger });
  const readiness = { ...platform.readiness };
  for (const m of modules) Object.assign(readiness, m.readiness ?? {});
  mountOperationalRoutes(app, readiness);
  mountOpenApi(
    app,
    openApiDocument(
      `loginguard ${title}`,
      modules.flatMap((m) => (m.openapi ? [m.openapi] : [])),
    ),
  );
  if (platform.adminKeys.size > 0) app.route("/", operationsRoutes(platform, title, platform.adminKeys));
  for (const m of modules) if (m.routes) app.route("/", m.routes);

  let url = "";
  let closeServer: (() => Promise<void>) | undefined;
  const http = {
    name: "http",
    async start() {
      const server = await listen(app, options.port, options.host);
      url = server.url;
      closeServer = server.close;
    },
    async stop() {
      await closeServer?.();
    },
  };
  const infrastructure = { name: "platform", start: async () => {}, stop: () => platform.close() };
  const running = await runServices([infrastructure, ...modules, http], logger);
  return { url, stop: running.stop, stopped: running.stopped };
}
