import { type AuthVariables, apiKeyAuth } from "@loginguard/auth";
import type { Bus } from "@loginguard/bus";
import type { ServiceModule } from "@loginguard/http";
import { createLogger, type Logger } from "@loginguard/observability";
import { Hono } from "hono";
import type { IngestConfig } from "./env";
import { ingestOpenApi } from "./openapi";
import { EventRateLimiter } from "./rate-limiter";
import { RecentEvents } from "./recent-events";
import { getStatus } from "./routes/get-status";
import { postLogins } from "./routes/post-logins";
import { StatusCache } from "./status-cache";
import { type StatusConsumer, startStatusConsumer } from "./status-consumer";

/** How often at most a cache eviction is logged. */
const EVICTION_LOG_INTERVAL_MS = 60_000;

export interface IngestServiceOptions {
  bus: Bus;
  config: IngestConfig;
  logger?: Logger;
  /** Clock in ms (tests). */
  now?: () => number;
}

/** The ingest module plus what tests and the bench look at. */
export interface IngestService extends ServiceModule {
  readonly statusCache: StatusCache;
  /** Whether the status cache has caught up with account.changed (false before start). */
  isStatusWarm(): boolean;
}

/**
 * HTTP ingest for game login servers (docs/ARCHITECTURE.md section 6): `POST /v1/logins` publishes to
 * `login.attempted`; `GET /v1/accounts/{id}/status` answers from a cache that `start()` fills
 * from `account.changed` and `ip.flagged`. Both need an ingest API key.
 */
export function createIngestService(options: IngestServiceOptions): IngestService {
  const { bus, config } = options;
  if (config.apiKeys.size === 0) {
    throw new Error(
      "ingest needs at least one API key: set INGEST_API_KEYS=name:key (key of 16+ characters)",
    );
  }
  const logger = options.logger ?? createLogger("ingest");
  const now = options.now ?? Date.now;
  let lastEvictionLogAt = Number.NEGATIVE_INFINITY;
  const statusCache = new StatusCache({
    maxAccounts: config.statusMaxAccounts,
    maxFlaggedIps: config.statusMaxFlaggedIps,
    now,
    onEvict: (what) => {
      if (now() - lastEvictionLogAt < EVICTION_LOG_INTERVAL_MS) return;
      lastEvictionLogAt = now();
      logger.error(
        { what, maxAccounts: config.statusMaxAccounts, maxFlaggedIps: config.statusMaxFlaggedIps },
        what === "locked_over_bound"
          ? "locked accounts alone exceed INGEST_STATUS_MAX_ACCOUNTS; all are kept (memory grows past the bound): raise it"
          : "status cache is full and dropped its oldest unlocked entry (answers for unknown accounts are now marked stale); raise INGEST_STATUS_MAX_ACCOUNTS / INGEST_STATUS_MAX_FLAGGED_IPS",
      );
    },
  });

  const routes = new Hono();
  const auth = apiKeyAuth(config.apiKeys);
  const keyed = routes as unknown as Hono<{ Variables: AuthVariables }>;
  keyed.use("/v1/logins", auth);
  keyed.use("/v1/accounts/:accountId/status", auth);
  routes.post(
    "/v1/logins",
    postLogins({
      bus,
      limiter: new EventRateLimiter({
        ratePerSecond: config.ratePerSecond,
        burstSeconds: config.burstSeconds,
        now,
      }),
      recent: new RecentEvents({ windowMs: config.dedupeWindowMs, maxEntries: config.dedupeMaxEntries, now }),
      publishTimeoutMs: config.publishTimeoutMs,
      logger,
      now,
    }),
  );
  let consumer: StatusConsumer | undefined;
  routes.get(
    "/v1/accounts/:accountId/status",
    getStatus(statusCache, () => consumer?.isWarm() ?? false),
  );
  return {
    name: "ingest",
    routes,
    openapi: ingestOpenApi,
    statusCache,
    readiness: {
      statusCache: async () => {
        if (!consumer?.isWarm()) throw new Error("the status cache is still reading account.changed");
      },
    },
    isStatusWarm: () => consumer?.isWarm() ?? false,
    async start() {
      consumer ??= await startStatusConsumer(bus, statusCache, {
        group: config.statusGroup,
        logger,
        now,
      });
      logger.info({ group: config.statusGroup, keys: [...config.apiKeys.keys()] }, "ingest started");
    },
    async stop() {
      await consumer?.stop();
      consumer = undefined;
    },
  };
}
