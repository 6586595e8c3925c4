import type { AuthVariables } from "@loginguard/auth";
import type { StageRegistry } from "@loginguard/bus";
import { problems, readJson } from "@loginguard/http";
import { Hono } from "hono";
import { z } from "zod";
import type { OperatorAudit } from "./audit";

/** Body of `POST /v1/admin/stages/:name`: one change, who asks and why. */
export const stageChangeSchema = z
  .object({
    maxInFlight: z.number().int().min(1).max(100_000).optional(),
    paused: z.boolean().optional(),
    by: z.string().min(1).max(200).optional(),
    reason: z.string().max(1000).optional(),
  })
  .refine((b) => (b.maxInFlight === undefined) !== (b.paused === undefined), {
    message: "give exactly one of maxInFlight and paused",
  });

/** What `loginguard stages list` shows of one stage in one process. */
export function stageView(registry: StageRegistry, name: string, service: string) {
  const instances = registry.get(name);
  return {
    name,
    service,
    instances: instances.length,
    maxInFlight: instances[0]?.maxInFlight ?? null,
    inFlight: instances.reduce((n, s) => n + s.inFlight, 0),
    paused: instances.some((s) => s.paused),
  };
}

/**
 * Backpressure you can turn (docs/ARCHITECTURE.md sections 5 and 9): `GET /v1/admin/stages` lists
 * the stages of this process; `POST /v1/admin/stages/:name` sets the in-flight limit or pauses
 * and resumes, at once and without a restart, audited through `operator.actions`. The limit and
 * the paused state are in `/metrics` (`loginguard_stage_max_in_flight`, `loginguard_stage_paused`).
 */
export function stageRoutes(
  registry: StageRegistry,
  audit: OperatorAudit,
  service: string,
): Hono<{ Variables: AuthVariables }> {
  const routes = new Hono<{ Variables: AuthVariables }>();
  routes.get("/v1/admin/stages", (c) =>
    c.json({ stages: registry.names().map((n) => stageView(registry, n, service)) }),
  );
  routes.post("/v1/admin/stages/:name", async (c) => {
    const name = c.req.param("name");
    const body = await readJson(c, stageChangeSchema);
    const instances = registry.get(name);
    if (instances.length === 0)
      throw problems.notFound(`No stage ${name} runs in ${service}; known: ${registry.names().join(", ")}`);
    const before = stageView(registry, name, service);
    const actor = `${body.by ?? "unknown"} (admin key ${c.get("apiKeyName")})`;
    if (body.maxInFlight !== undefined) {
      for (const s of instances) s.setMaxInFlight(body.maxInFlight);
      await audit.record({
        actor,
        action: "stage_max_in_flight",
        reason: body.reason ?? null,
        details: { stage: name, from: before.maxInFlight, to: body.maxInFlight },
      });
    } else {
      for (const s of instances) body.paused ? s.pause() : s.resume();
      await audit.record({
        actor,
        action: body.paused ? "stage_pause" : "stage_resume",
        reason: body.reason ?? null,
        details: { stage: name, wasPaused: before.paused },
      });
    }
    return c.json(stageView(registry, name, service));
  });
  return routes;
}
