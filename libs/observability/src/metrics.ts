import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** One registry per process; every service registers on it and `/metrics` serves it. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return (
    (registry.getSingleMetric(name) as Counter<L>) ??
    new Counter({ name, help, labelNames, registers: [registry] })
  );
}
function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
): Histogram<L> {
  return (
    (registry.getSingleMetric(name) as Histogram<L>) ??
    new Histogram({ name, help, labelNames, buckets, registers: [registry] })
  );
}
function gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  return (
    (registry.getSingleMetric(name) as Gauge<L>) ??
    new Gauge({ name, help, labelNames, registers: [registry] })
  );
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The metrics docs/ARCHITECTURE.md section 9 asks of every service. */
export const metrics = {
  stageRecordsIn: counter("loginguard_stage_records_in_total", "Records consumed by a stage", [
    "stage",
    "topic",
  ]),
  stageRecordsOut: counter("loginguard_stage_records_out_total", "Records published by a stage", [
    "stage",
    "topic",
  ]),
  stageDeadLettered: counter("loginguard_stage_dead_lettered_total", "Records a stage dead-lettered", [
    "stage",
    "topic",
    "code",
  ]),
  stageRetries: counter("loginguard_stage_retries_total", "Handler attempts retried after a failure", [
    "stage",
  ]),
  stageFiltered: counter(
    "loginguard_stage_records_filtered_total",
    "Records a stage handled with nothing to publish (like HTTP 204)",
    ["stage"],
  ),
  stageMaxInFlight: gauge("loginguard_stage_max_in_flight", "A stage's in-flight limit (backpressure)", [
    "stage",
  ]),
  stageInFlight: gauge("loginguard_stage_in_flight", "Records a stage has in flight now", ["stage"]),
  stagePaused: gauge("loginguard_stage_paused", "1 while an operator holds the stage paused", ["stage"]),
  stageHandlerSeconds: histogram(
    "loginguard_stage_handler_seconds",
    "Handler time per batch",
    ["stage"],
    LATENCY_BUCKETS,
  ),
  consumerLag: gauge("loginguard_consumer_lag_records", "Records not yet consumed by a group", [
    "group",
    "topic",
    "partition",
  ]),
  httpSeconds: histogram(
    "loginguard_http_request_seconds",
    "HTTP request time",
    ["service", "method", "route", "status"],
    LATENCY_BUCKETS,
  ),
  textCleaned: counter(
    "loginguard_text_cleaned_total",
    "Free-text fields kept with control characters removed, invalid UTF-8 replaced or length capped",
    ["service", "field", "kind"],
  ),
  loginsDegraded: counter(
    "loginguard_logins_degraded_total",
    "Logins a stage could not store as they were and passed on degraded (decided on what is known)",
    ["stage", "code"],
  ),
  loginsStuck: counter(
    "loginguard_logins_stuck_total",
    "Logins a stage could not handle at all: dead-lettered as stuck before their decision (alert on any)",
    ["stage", "code"],
  ),
  notifications: counter("loginguard_notifications_total", "Notifications by channel and outcome", [
    "channel",
    "outcome",
  ]),
  decisions: counter(
    "loginguard_decisions_total",
    "Reasons decided per login by rule, mode and action; rule=none counts logins with nothing to do",
    ["rule", "mode", "action"],
  ),
  stuckLogins: gauge(
    "loginguard_stuck_logins",
    "Accepted logins with no decision and no recorded nothing-to-do past the deadline, by the last stage that saw them",
    ["stage"],
  ),
  stuckLoginsReported: counter(
    "loginguard_stuck_logins_reported_total",
    "Logins the loss detector reported as stuck (each once)",
    ["stage"],
  ),
};

/** Creates a counter's series at zero, so a fresh `/metrics` shows it before the first event. */
export function zeroCounter<L extends string>(c: Counter<L>, labels: Partial<Record<L, string>>): void {
  c.inc(labels, 0);
}
