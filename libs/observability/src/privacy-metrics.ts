import { Counter } from "prom-client";
import { registry } from "./metrics";

function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return (
    (registry.getSingleMetric(name) as Counter<L>) ??
    new Counter({ name, help, labelNames, registers: [registry] })
  );
}

/** Privacy counters at `/metrics` (docs/ARCHITECTURE.md section 9): retention runs and erasures. */
export const privacyMetrics = {
  /** Rows a retention job removed or reduced, by service and what (`ips_reduced`, `lines_deleted`, ...). */
  retentionRows: counter("loginguard_retention_rows_total", "Rows removed or reduced by retention jobs", [
    "service",
    "what",
  ]),
  /** Retention runs by service and outcome (`ok`, `failed`). */
  retentionRuns: counter("loginguard_retention_runs_total", "Retention job runs", ["service", "outcome"]),
  /** `account.erased` requests a service carried out. */
  erasures: counter("loginguard_erasures_total", "Account erasures carried out", ["service"]),
  /** Rows deleted by erasures, by service and table. */
  erasedRows: counter("loginguard_erased_rows_total", "Rows deleted by account erasures", [
    "service",
    "table",
  ]),
};
