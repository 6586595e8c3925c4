import { type Bus, loadTopicsFile, type RunningStage, startStage, type TopicsFile } from "@loginguard/bus";
import { describeError, permanentError } from "@loginguard/errors";
import type { ServiceModule } from "@loginguard/http";
import { createLogger, type Logger } from "@loginguard/observability";
import { HttpClient } from "./delivery/http-client";
import type { RelayConfig } from "./env";
import { adminRoutes } from "./http/admin-routes";
import { relayOpenApi } from "./http/openapi";
import { relayStage } from "./relay-stage";
import type { Route } from "./routes/route";
import { RouteManager, type RouteStatus } from "./routes/route-manager";
import { relayTopicSpecs, topicGuard } from "./topics/topic-guard";

export interface RelayServiceOptions {
  bus: Bus;
  config: RelayConfig;
  logger?: Logger;
}

/** The relay module: one stage per route file, reloaded on change, plus the admin API. */
export interface RelayService extends ServiceModule {
  /** Every route file and its state. */
  routeStatus(): RouteStatus[];
  /** The running stages by route name (to change a route's in-flight bound at run time). */
  runningRoutes(): Map<string, RunningStage>;
  /** Rescans the routes directory now (it is also watched and rescanned periodically). */
  reload(): Promise<void>;
}

/**
 * HTTP stages from config (docs/ARCHITECTURE.md section 8). `start()` reads every `*.json` of
 * RELAY_ROUTES_DIR, starts one stage per valid route (consumer group `relay-<name>`) and follows
 * the directory; `stop()` stops following it and drains every route. `routes` serves
 * `POST /v1/admin/topics/apply` (how `loginguard topics apply` reaches a running embedded
 * instance) and `GET /v1/admin/relay/routes`.
 */
export function createRelayService(options: RelayServiceOptions): RelayService {
  const { bus, config } = options;
  const logger = options.logger ?? createLogger("relay");
  let topicsFile: TopicsFile | undefined;

  async function startRoute(route: Route): Promise<RunningStage> {
    let token: string | undefined;
    if (route.auth) {
      token = config.secret(route.auth.tokenEnv);
      if (token === undefined) {
        throw permanentError(
          `auth.tokenEnv: the relay's environment has no ${route.auth.tokenEnv} (the route's bearer token)`,
          "route_secret_missing",
          { route: route.name },
        );
      }
    }
    const routeLogger = logger.child({ route: route.name });
    // Subscribing to a missing topic would create it with the driver's defaults (or fail on Kafka).
    await topicGuard(bus, relayTopicSpecs(topicsFile, route.input), routeLogger)();
    const outputReady = route.output
      ? topicGuard(bus, relayTopicSpecs(topicsFile, route.output), routeLogger)
      : undefined;
    // One keep-alive pool per route, closed with it. Not capped at `concurrency`: the stage bounds
    // requests in flight, and its bound can be raised at run time (`setMaxInFlight`).
    const client = new HttpClient();
    let stage: RunningStage;
    try {
      stage = await startStage(
        bus,
        relayStage(route, {
          logger: routeLogger,
          client,
          ...(token === undefined ? {} : { token }),
          ...(outputReady ? { outputReady } : {}),
        }),
      );
    } catch (err) {
      client.close();
      throw err;
    }
    return {
      name: stage.name,
      get maxInFlight() {
        return stage.maxInFlight;
      },
      setMaxInFlight: (limit) => stage.setMaxInFlight(limit),
      get inFlight() {
        return stage.inFlight;
      },
      get paused() {
        return stage.paused;
      },
      pause: () => stage.pause(),
      resume: () => stage.resume(),
      async stop() {
        await stage.stop();
        client.close();
      },
    };
  }

  const manager = new RouteManager({
    dir: config.routesDir,
    reloadIntervalMs: config.reloadIntervalMs,
    startRoute,
    logger,
  });

  return {
    name: "relay",
    routes: adminRoutes({ bus, adminKeys: config.adminKeys, routeStatus: () => manager.status() }),
    openapi: relayOpenApi,
    routeStatus: () => manager.status(),
    runningRoutes: () => manager.running(),
    reload: () => manager.sync(),
    async start() {
      try {
        topicsFile = loadTopicsFile(config.topicsFile);
      } catch (err) {
        logger.warn(
          { err: describeError(err) },
          "no topics file: output topics are created with the event log's defaults",
        );
      }
      await manager.start();
      logger.info({ dir: config.routesDir, routes: manager.running().size }, "relay started");
    },
    stop: () => manager.stop(),
  };
}
