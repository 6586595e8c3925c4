/**
 * One relay route, as a file under infra/routes/ declares it (the JSON Schema
 * infra/routes.schema.json is the reviewed contract; this type mirrors it).
 */
export interface Route {
  /** Unique; the consumer group is `relay-<name>`. */
  name: string;
  description?: string;
  /** The topic consumed. */
  input: string;
  /** Where each event is POSTed. */
  endpoint: string;
  /** `stream`: publish the answer to `output`; `sink`: consume only. */
  mode: "stream" | "sink";
  /** Stream mode only. */
  output?: string;
  /** Requests in flight at once (the stage's maxInFlight). */
  concurrency: number;
  /** One request's time limit; a slower one is aborted and retried. */
  timeoutMs: number;
  retry: { initialMs: number; maxMs: number };
  /** ce_type values passed on; absent: every type. */
  types?: string[];
  /** Where a new consumer group starts. Default earliest. */
  start?: "earliest" | "latest";
  /** Extra request headers (not secrets). */
  headers?: Record<string, string>;
  /** Credentials from an environment variable of the relay. */
  auth?: { type: "bearer"; tokenEnv: string };
}

/** The consumer group, and the stage name in logs, metrics and `dlq_stage`, of a route. */
export function stageNameOf(route: Pick<Route, "name">): string {
  return `relay-${route.name}`;
}
