import { ACTIONS, RULE_CODES } from "@loginguard/events";
import { metrics, zeroCounter } from "@loginguard/observability";
import type { Evaluation } from "../rules/evaluate";

const MODES = ["enforce", "shadow"] as const;

/**
 * `loginguard_decisions_total` at zero for every rule, mode and action, and for `none` (a login
 * with nothing to do), so a dashboard shows every rule before it first fires.
 */
export function registerDecisionSeries(): void {
  for (const rule of RULE_CODES)
    for (const mode of MODES)
      for (const action of ACTIONS) zeroCounter(metrics.decisions, { rule, mode, action });
  zeroCounter(metrics.decisions, { rule: "none", mode: "none", action: "none" });
}

/** Counts one login's evaluation once it is committed: one per reason, or one `none`. */
export function countDecision(evaluation: Pick<Evaluation, "reasons">): void {
  if (evaluation.reasons.length === 0) {
    metrics.decisions.inc({ rule: "none", mode: "none", action: "none" });
    return;
  }
  for (const reason of evaluation.reasons)
    metrics.decisions.inc({ rule: reason.code, mode: reason.mode, action: reason.action });
}
