import type { Hono } from "hono";
import type { ReadinessCheck } from "./app";
import type { OpenApiFragment } from "./openapi";

/**
 * One loginguard service as the process that runs it sees it: stages/consumers to start and
 * stop, and optionally HTTP routes. Embedded mode mounts every module's routes on one app and
 * port; distributed mode serves one module per process.
 *
 * Routes are a plain `new Hono()` without their own `onError` (the host app's boundary maps
 * errors). Middleware must be scoped to the module's own paths (`routes.use("/v1/me/*", ...)`),
 * never `use("*")`: mounted at the root it would run for every other module's routes too.
 */
/**
 * A service's share of one account's personal data, for an export (docs/ARCHITECTURE.md
 * section 6, `GET /v1/staff/accounts/{accountId}/export`): named by the service, rows per table.
 */
export interface AccountDataHolder {
  readonly service: string;
  exportAccount(accountId: string): Promise<Record<string, unknown>>;
}

export interface ServiceModule {
  readonly name: string;
  readonly routes?: Hono;
  readonly openapi?: OpenApiFragment;
  /** Extra readiness checks beyond the event log and database. */
  readonly readiness?: Record<string, ReadinessCheck>;
  /** Set by services that hold personal data: what an export of an account takes from them. */
  readonly privacy?: AccountDataHolder;
  start(): Promise<void>;
  stop(): Promise<void>;
}
