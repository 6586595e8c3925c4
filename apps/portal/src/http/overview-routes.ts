import type { AuthVariables } from "@loginguard/auth";
import { Hono } from "hono";
import type { LossDetector } from "../loss/detector";
import { deadLettersByTopic, type LoginRateSampler, notificationCounts } from "../overview/metrics-sampler";
import type { OverviewStore } from "../overview/overview-store";
import { type PortalStaffAuthOptions, portalStaffAuth } from "./staff-auth";

export const OVERVIEW_PATH = "/v1/overview";

export interface OverviewRoutesOptions extends Omit<PortalStaffAuthOptions, "roles"> {
  store: OverviewStore;
  sampler: LoginRateSampler;
  /** embedded: every stage runs in this process, so its counters cover the whole pipeline. */
  mode: "embedded" | "distributed";
  clock: () => Date;
  /** Set: the overview lists stuck logins (the loss detector's report). */
  lossDetector?: LossDetector;
}

/** How many locked accounts the overview lists by name. */
const LOCKED_LISTED = 20;

/**
 * `GET /v1/overview` (staff): logins per minute, decisions by rule, accounts locked now, dead
 * letters and notifications. Decisions and locks come from the portal's own consumer (whole
 * pipeline in both modes); logins, dead letters and notifications from this process's counters
 * (`scope: "process"`: the whole pipeline in embedded mode, only the portal's process in
 * distributed mode, where Prometheus has the full picture).
 */
export function overviewRoutes(options: OverviewRoutesOptions): Hono<{ Variables: AuthVariables }> {
  const routes = new Hono<{ Variables: AuthVariables }>();
  routes.get(OVERVIEW_PATH, portalStaffAuth(options), async (c) => {
    const now = options.clock();
    const [rules, locked, deadLetters, notifications, stuck] = await Promise.all([
      options.store.ruleCounts(now),
      options.store.lockedNow(LOCKED_LISTED),
      deadLettersByTopic(),
      notificationCounts(),
      options.lossDetector?.stuck(LOCKED_LISTED) ?? null,
    ]);
    const logins = options.sampler.perMinute(now.getTime());
    c.header("cache-control", "no-store");
    return c.json({
      generatedAt: now.toISOString(),
      mode: options.mode,
      processCounters: options.mode === "embedded" ? "whole-pipeline" : "this-process-only",
      logins: { lastMinute: logins.lastMinute, perMinute: logins.minutes },
      decisionsByRule: rules,
      locked,
      deadLetters,
      notifications,
      stuck,
    });
  });
  return routes;
}
