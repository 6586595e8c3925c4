import type { AuthVariables } from "@loginguard/auth";
import type { DeadLetter, DeadLetters } from "@loginguard/bus";
import { problems, readJson } from "@loginguard/http";
import { Hono } from "hono";
import { z } from "zod";
import type { OperatorAudit } from "./audit";

/** Filters as the query string and the replay body carry them. */
const filterFields = {
  topic: z.string().min(1).max(250).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  reason: z.string().min(1).max(500).optional(),
};

const listQuery = z.object({ ...filterFields, replayed: z.enum(["true", "false"]).optional() });

/** Body of `POST /v1/admin/dlq/replay`. */
export const replayBodySchema = z.object({
  ...filterFields,
  /** Only these dead letters (ids from the list); the CLI replays in slices to show progress. */
  ids: z.array(z.string().min(1).max(300)).max(1000).optional(),
  dryRun: z.boolean().default(false),
  /** Who asks (the operator's login name); recorded with the admin key's name. */
  by: z.string().min(1).max(200).optional(),
});

/** A dead letter in a list: everything but the value and headers (`show` has those). */
export function deadLetterSummary(l: DeadLetter) {
  const { headers: _headers, value: _value, ...rest } = l;
  return rest;
}

/**
 * `loginguard dlq` against a running instance (docs/ARCHITECTURE.md section 9): only one process
 * may open the embedded data directory, so list, show and replay go through its admin API.
 * `GET /v1/admin/dlq[?topic&since&reason&replayed]`, `GET /v1/admin/dlq/:id`,
 * `POST /v1/admin/dlq/replay`. Every replay is recorded on the `dlq.replayed` topic and in the
 * audit trail.
 */
export function dlqRoutes(
  deadLetters: DeadLetters,
  audit: OperatorAudit,
): Hono<{ Variables: AuthVariables }> {
  const routes = new Hono<{ Variables: AuthVariables }>();

  routes.get("/v1/admin/dlq", async (c) => {
    const q = listQuery.safeParse(c.req.query());
    if (!q.success)
      throw problems.validation(q.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
    const items = await deadLetters.list({
      ...(q.data.topic ? { topic: q.data.topic } : {}),
      ...(q.data.since ? { since: new Date(q.data.since) } : {}),
      ...(q.data.reason ? { reason: q.data.reason } : {}),
      includeReplayed: q.data.replayed !== "false",
    });
    return c.json({ items: items.map(deadLetterSummary) });
  });

  routes.get("/v1/admin/dlq/:id", async (c) => {
    const letter = await deadLetters.show(c.req.param("id"));
    if (!letter) throw problems.notFound(`No dead letter ${c.req.param("id")}`);
    return c.json(letter);
  });

  routes.post("/v1/admin/dlq/replay", async (c) => {
    const body = await readJson(c, replayBodySchema);
    const by = `${body.by ?? "unknown"} (admin key ${c.get("apiKeyName")})`;
    const result = await deadLetters.replay(
      {
        ...(body.topic ? { topic: body.topic } : {}),
        ...(body.since ? { since: new Date(body.since) } : {}),
        ...(body.reason ? { reason: body.reason } : {}),
        ...(body.ids ? { ids: body.ids } : {}),
      },
      { by, dryRun: body.dryRun },
    );
    if (!body.dryRun && result.replayed.length > 0) {
      await audit.record({
        actor: by,
        action: "dlq_replay",
        details: { ids: result.replayed.map((l) => l.id), skipped: result.skipped.length },
      });
    }
    return c.json({
      dryRun: body.dryRun,
      replayed: result.replayed.map(deadLetterSummary),
      skipped: result.skipped.map(deadLetterSummary),
    });
  });
  return routes;
}
