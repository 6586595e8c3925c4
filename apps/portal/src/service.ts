import { StaffRevocations } from "@loginguard/auth";
import {
  auditPublisher,
  type Bus,
  type CommittedOffsets,
  type EmbeddedBus,
  type RunningStage,
  startRevocationReader,
  startStage,
} from "@loginguard/bus";
import { type Database, migrate } from "@loginguard/db";
import { describeError } from "@loginguard/errors";
import type { ServiceModule } from "@loginguard/http";
import { createLogger, type Logger } from "@loginguard/observability";
import { Hono } from "hono";
import { PORTAL_SCHEMA } from "./db/migrations";
import type { PortalConfig } from "./env";
import { adminStaffRoutes } from "./http/admin-staff-routes";
import { AssetBundle } from "./http/assets";
import { portalOpenApi } from "./http/openapi";
import { overviewRoutes } from "./http/overview-routes";
import { pageRoutes } from "./http/page-routes";
import { staffSessionRoutes } from "./http/staff-session-routes";
import { LossDetector } from "./loss/detector";
import { WATCH_STAGE, watchStage } from "./loss/watch-stage";
import { WatchStore } from "./loss/watch-store";
import { MfaStore } from "./mfa/mfa-store";
import { LoginRateSampler } from "./overview/metrics-sampler";
import { overviewStage } from "./overview/overview-stage";
import { OverviewStore } from "./overview/overview-store";
import { portalErasureStage, portalPrivacy } from "./privacy/account-data";
import { StaffSessionStore } from "./staff/session-store";
import { SignInThrottle } from "./staff/sign-in-throttle";
import { StaffExistsError, StaffStore } from "./staff/staff-store";

export interface PortalServiceOptions {
  bus: Bus;
  db: Database;
  config: PortalConfig;
  logger?: Logger;
  /** The clock (tests). */
  clock?: () => Date;
  /**
   * A group's committed offsets (the platform's); the loss detector reads account-security's on
   * `login.recorded`. Default: the embedded bus's own; required on Kafka for the detector to run.
   */
  committedOffsets?: CommittedOffsets;
}

/** The module plus what the CLI and tests reach for. */
export interface PortalService extends ServiceModule {
  readonly staff: StaffStore;
  readonly overview: OverviewStore;
  /** The loss detector (undefined on Kafka without `committedOffsets`). */
  readonly lossDetector: LossDetector | undefined;
  /** Applies the `portal` schema's migrations (start() does it too). */
  migrate(): Promise<void>;
}

/** How often old sign-in failures, sessions and overview rows are deleted. */
const PRUNE_EVERY_MS = 3_600_000;
/** Session records are kept this long (well past the 12-hour absolute timeout). */
const SESSION_RECORDS_KEPT_MS = 30 * 86_400_000;

/**
 * The portal (docs/ARCHITECTURE.md section 6, "Players" and "Support staff"): the player's history page with
 * self-service unlock, the support console, staff accounts and sessions (schema `portal`), and a
 * consumer of `security.decided` and `account.changed` for the console's overview. The pages
 * call the other services' JSON APIs on the same origin with the player's or staff's cookie.
 */
export function createPortalService(options: PortalServiceOptions): PortalService {
  const { bus, db, config } = options;
  const logger = options.logger ?? createLogger("portal");
  const clock = options.clock ?? (() => new Date());
  const staff = new StaffStore(db);
  const sessions = new StaffSessionStore(db);
  const throttle = new SignInThrottle(db, config.signIn);
  const overview = new OverviewStore(db);
  const sampler = new LoginRateSampler();
  const assets = new AssetBundle();
  const watch = new WatchStore(db);
  const committedOffsets: CommittedOffsets | undefined =
    options.committedOffsets ??
    (bus.kind === "embedded"
      ? async (group, topic) => {
          const lag = (await (bus as EmbeddedBus).lag(group)).filter((l) => l.topic === topic);
          return lag.map((l) => l.committed);
        }
      : undefined);
  const lossDetector = committedOffsets
    ? new LossDetector({
        store: watch,
        committedOffsets,
        ...config.lossDetector,
        logger: createLogger("loss-detector"),
        clock,
      })
    : undefined;
  const revocations = new StaffRevocations();
  let revocationReader: { stop(): Promise<void> } | undefined;
  const auth = {
    revocations,
    sessionSecret: config.staffSessionSecret,
    adminKeys: config.adminKeys,
    secureCookies: config.production,
    sessions,
  };

  const audit = auditPublisher(bus, "portal");
  const routes = new Hono();
  routes.route("/", pageRoutes({ config, sessions, assets }));
  routes.route(
    "/",
    staffSessionRoutes({
      ...auth,
      signIn: {
        staff,
        throttle,
        sessions,
        clock,
        secondFactor: {
          mfa: new MfaStore(db),
          key: config.staffSessionSecret,
          supportRequired: config.staffMfa === "required",
        },
      },
      trustProxy: config.trustProxy,
      audit,
      logger,
    }),
  );
  routes.route("/", adminStaffRoutes({ ...auth, staff, audit, trustProxy: config.trustProxy, clock }));
  routes.route(
    "/",
    overviewRoutes({
      ...auth,
      store: overview,
      sampler,
      ...(lossDetector ? { lossDetector } : {}),
      mode: bus.kind === "kafka" ? "distributed" : "embedded",
      clock,
    }),
  );

  let migrated = false;
  let stage: RunningStage | undefined;
  let watcher: RunningStage | undefined;
  let erasure: RunningStage | undefined;
  let pruner: NodeJS.Timeout | undefined;

  async function runMigrations(): Promise<void> {
    if (migrated) return;
    await migrate(db, PORTAL_SCHEMA, logger);
    migrated = true;
  }

  async function createFirstAdmin(): Promise<void> {
    if (!config.firstAdmin) return;
    if (bus.kind !== "embedded") {
      logger.warn("ADMIN_EMAIL/ADMIN_PASSWORD apply to embedded mode only; use `loginguard staff add`");
      return;
    }
    if (await staff.credentials(config.firstAdmin.email)) return;
    try {
      await staff.create({ ...config.firstAdmin, role: "admin", createdBy: "ADMIN_EMAIL" });
      logger.info("first admin created from ADMIN_EMAIL");
    } catch (err) {
      if (!(err instanceof StaffExistsError)) throw err;
    }
  }

  async function prune(): Promise<void> {
    const now = clock();
    try {
      await throttle.prune(now);
      await sessions.prune(new Date(now.getTime() - SESSION_RECORDS_KEPT_MS));
      await overview.prune(now);
    } catch (err) {
      logger.warn({ err: describeError(err) }, "pruning old portal rows failed; will try again");
    }
  }

  return {
    name: "portal",
    routes,
    openapi: portalOpenApi,
    privacy: portalPrivacy(db),
    staff,
    overview,
    lossDetector,
    migrate: runMigrations,
    async start() {
      await runMigrations();
      await createFirstAdmin();
      revocationReader = await startRevocationReader(bus, revocations, { service: "portal" });
      await prune();
      pruner = setInterval(() => void prune(), PRUNE_EVERY_MS);
      pruner.unref();
      sampler.start();
      stage = await startStage(
        bus,
        overviewStage({
          db,
          store: overview,
          maxInFlight: config.maxInFlight,
          logger: logger.child({ stage: "portal-overview" }),
        }),
      );
      if (lossDetector) {
        watcher = await startStage(
          bus,
          watchStage({ db, store: watch, logger: logger.child({ stage: WATCH_STAGE }) }),
        );
        lossDetector.start();
      } else logger.warn("no committed offsets given: the loss detector does not run");
      erasure = await startStage(bus, portalErasureStage(db, logger.child({ stage: "portal-erasure" })));
      assets.warm().then(
        (ms) => logger.info({ ms: Math.round(ms) }, "portal pages ready"),
        (err: unknown) =>
          logger.error({ err: describeError(err) }, "building the portal's browser scripts failed"),
      );
    },
    async stop() {
      clearInterval(pruner);
      sampler.stop();
      lossDetector?.stop();
      await watcher?.stop();
      await erasure?.stop();
      await revocationReader?.stop();
      revocationReader = undefined;
      await stage?.stop();
      stage = undefined;
      watcher = undefined;
      erasure = undefined;
    },
  };
}
