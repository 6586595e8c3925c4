import { type ApiKeys, apiKeyAuth } from "@loginguard/auth";
import { type Bus, topicsFileSchema } from "@loginguard/bus";
import { describeError, LoginGuardError, retryability } from "@loginguard/errors";
import { HttpProblem, problems, readJson } from "@loginguard/http";
import { Hono } from "hono";
import { z } from "zod";
import type { RouteStatus } from "../routes/route-manager";
import { applyTopicsFile } from "../topics/apply";

/** Body of `POST /v1/admin/topics/apply`: the topics file's content, and whether to only plan. */
export const topicsApplyBodySchema = z.object({
  topics: topicsFileSchema,
  dryRun: z.boolean().default(false),
});

export interface AdminRoutesOptions {
  bus: Bus;
  adminKeys: ApiKeys;
  routeStatus(): RouteStatus[];
}

/**
 * The relay module's admin API (admin API key from ADMIN_API_KEYS):
 * `POST /v1/admin/topics/apply` applies a topics file to this process's event log — how
 * `loginguard topics apply` reaches a running embedded instance, whose data directory no other
 * process may open — and `GET /v1/admin/relay/routes` shows each route file and its state.
 */
export function adminRoutes(options: AdminRoutesOptions): Hono {
  const routes = new Hono();
  const auth = apiKeyAuth(options.adminKeys);
  routes.use("/v1/admin/topics/*", auth);
  routes.use("/v1/admin/relay/*", auth);

  routes.post("/v1/admin/topics/apply", async (c) => {
    const body = await readJson(c, topicsApplyBodySchema);
    try {
      return c.json(await applyTopicsFile(options.bus, body.topics, { dryRun: body.dryRun }));
    } catch (err) {
      if (retryability(err) === true) throw problems.unavailable(describeError(err), err);
      const code = err instanceof LoginGuardError ? err.code : "error";
      throw new HttpProblem(
        422,
        "topics-not-applied",
        "The topics could not be applied",
        { detail: err instanceof Error ? err.message : String(err), code },
        err,
      );
    }
  });

  routes.get("/v1/admin/relay/routes", (c) => c.json({ routes: options.routeStatus() }));
  return routes;
}
