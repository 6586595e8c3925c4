import { type ApiKeys, type AuthVariables, apiKeyAuth } from "@loginguard/auth";
import { DeadLetters, runningStages } from "@loginguard/bus";
import { Hono } from "hono";
import type { Platform } from "../open-platform";
import { operatorAudit } from "./audit";
import { dlqRoutes } from "./dlq-routes";
import { stageRoutes } from "./stage-routes";

export { type OperatorAudit, operatorAudit } from "./audit";
export { deadLetterSummary, replayBodySchema } from "./dlq-routes";
export { stageChangeSchema } from "./stage-routes";

/**
 * The operations admin API every loginguard process serves when it has admin keys: its stages
 * (`loginguard stages`) and the dead letters of its event log (`loginguard dlq`).
 */
export function operationsRoutes(
  platform: Platform,
  service: string,
  adminKeys: ApiKeys,
): Hono<{ Variables: AuthVariables }> {
  const routes = new Hono<{ Variables: AuthVariables }>();
  const auth = apiKeyAuth(adminKeys);
  routes.use("/v1/admin/stages", auth);
  routes.use("/v1/admin/stages/*", auth);
  routes.use("/v1/admin/dlq", auth);
  routes.use("/v1/admin/dlq/*", auth);
  const audit = operatorAudit(platform.bus, service);
  routes.route("/", stageRoutes(runningStages, audit, service));
  routes.route("/", dlqRoutes(new DeadLetters(platform.bus, platform.endOffsets), audit));
  return routes;
}
