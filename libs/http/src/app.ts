import { describeError } from "@loginguard/errors";
import { IDENTIFIER_MESSAGES, pathIdentifierProblem } from "@loginguard/events";
import { type Logger, metrics, registry } from "@loginguard/observability";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { fastBodyLimit } from "./body-limit";
import { HttpProblem, problemResponse, problems, toProblem } from "./problem";

/** Path parameters that are identifiers, under every service's routes. */
const IDENTIFIER_PATHS: ReadonlyArray<readonly [string, string]> = [
  ["/v1/accounts/:accountId/*", "accountId"],
  ["/v1/staff/accounts/:accountId/*", "accountId"],
  ["/v1/me/logins/:eventId/*", "eventId"],
];

/** Readiness probe of one dependency (event log, database): resolves when usable. */
export type ReadinessCheck = () => Promise<void>;

export interface AppOptions {
  /** Service name for metrics and logs. */
  service: string;
  logger: Logger;
  /** Request body limit in bytes; default 1 MiB (docs/ARCHITECTURE.md section 6). */
  maxBodyBytes?: number;
}

/**
 * A hono app with what every service needs: one `onError` boundary mapping errors to
 * problem+json, a body limit answering 413, request metrics, and a JSON 404.
 */
export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  const limit = options.maxBodyBytes ?? 1024 * 1024;

  app.use("*", async (c, next) => {
    const start = performance.now();
    await next();
    const route = c.req.routePath || "unmatched";
    metrics.httpSeconds.observe(
      { service: options.service, method: c.req.method, route, status: String(c.res.status) },
      (performance.now() - start) / 1000,
    );
  });
  app.use(
    "*",
    fastBodyLimit(limit, (c) => problemResponse(c, toProblem(problems.tooLarge(limit)))),
  );

  // Identifiers in paths follow the one text rule (issue 9 point 6): refused with control
  // characters or invalid UTF-8, a 400 naming the parameter, in every service.
  for (const [pattern, name] of IDENTIFIER_PATHS) {
    app.use(pattern, async (c, next) => {
      const value = c.req.param(name) ?? "";
      const problem = pathIdentifierProblem(value);
      if (problem) {
        return problemResponse(
          c,
          toProblem(problems.validation([{ path: name, message: IDENTIFIER_MESSAGES[problem] }]), c.req.path),
        );
      }
      await next();
    });
  }

  app.notFound((c) =>
    problemResponse(c, toProblem(problems.notFound(`No route for ${c.req.method} ${c.req.path}`))),
  );
  app.onError((err, c) => {
    if (err instanceof HttpProblem) {
      if (err.status >= 500) options.logger.error({ err: describeError(err.cause ?? err) }, err.message);
      return problemResponse(c, toProblem(err, c.req.path));
    }
    if (err instanceof HTTPException) {
      return problemResponse(
        c,
        toProblem(new HttpProblem(err.status, "http-error", err.message || "Request failed")),
      );
    }
    options.logger.error({ err: describeError(err), path: c.req.path }, "unhandled error");
    return problemResponse(
      c,
      toProblem(
        new HttpProblem(500, "internal", "Internal server error", { detail: "The error was logged" }),
      ),
    );
  });
  return app;
}

/** `/healthz` (alive), `/readyz` (every dependency answers) and `/metrics` (Prometheus). */
export function mountOperationalRoutes(app: Hono, checks: Record<string, ReadinessCheck>): void {
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await check();
          return [name, "ok"] as const;
        } catch (err) {
          return [name, describeError(err)] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r === "ok");
    return c.json(
      { status: ready ? "ready" : "not-ready", checks: Object.fromEntries(results) },
      ready ? 200 : 503,
    );
  });
  app.get("/metrics", async (c) =>
    c.body(await registry.metrics(), 200, { "content-type": registry.contentType }),
  );
}
