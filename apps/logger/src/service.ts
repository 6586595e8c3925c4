import { StaffRevocations } from "@loginguard/auth";
import {
  auditPublisher,
  type Bus,
  type RunningStage,
  startRevocationReader,
  startStage,
} from "@loginguard/bus";
import { type Database, migrate } from "@loginguard/db";
import type { ServiceModule } from "@loginguard/http";
import { createLogger, type Logger } from "@loginguard/observability";
import type { LoggerConfig } from "./env";
import { loggerSchema } from "./migrations";
import { loggerOpenApi } from "./openapi";
import { outcomeStage } from "./outcome-stage";
import { loggerErasureStage, loggerPrivacy } from "./privacy";
import { recordStage } from "./record-stage";
import { applyRetention, type RetentionJob, type RetentionResult, startRetentionJob } from "./retention";
import { historyRoutes } from "./routes";

export interface LoggerServiceOptions {
  bus: Bus;
  db: Database;
  config: LoggerConfig;
  logger?: Logger;
  /** Secure flag of refreshed staff cookies (NODE_ENV=production). */
  secureCookies?: boolean;
}

/** The logger module, with its stages exposed for run-time tuning. */
export interface LoggerService extends ServiceModule {
  /** The running stages after start (`setMaxInFlight` at run time); empty before. */
  readonly stages: readonly RunningStage[];
  /** One retention run now (the job also runs every RETENTION_INTERVAL_MINUTES). */
  applyRetention(now?: Date): Promise<RetentionResult>;
}

/**
 * The logger (docs/ARCHITECTURE.md sections 2 and 6): owns the login history. `start()` brings its schema up
 * to date, then runs two stages — `logger` (login.located -> login.recorded, with history
 * context) and `logger-outcomes` (security.decided and action.completed onto the history lines) —
 * and the retention job. `routes` serves the players' and staff's history API.
 */
export function createLoggerService(options: LoggerServiceOptions): LoggerService {
  const { bus, db, config } = options;
  const logger = options.logger ?? createLogger("logger");
  let stages: RunningStage[] = [];
  let retention: RetentionJob | undefined;
  const revocations = new StaffRevocations();
  let revocationReader: { stop(): Promise<void> } | undefined;

  return {
    name: "logger",
    routes: historyRoutes({
      db,
      playerTokenSecret: config.playerTokenSecret,
      staffSessionSecret: config.staffSessionSecret,
      adminKeys: config.adminKeys,
      secureCookies: options.secureCookies,
      revocations,
      audit: auditPublisher(bus, "logger"),
    }),
    openapi: loggerOpenApi,
    privacy: loggerPrivacy(db),
    get stages() {
      return stages;
    },
    applyRetention: (now) => applyRetention(db.sql, config, now),
    async start() {
      if (stages.length > 0) return;
      await migrate(db, loggerSchema, logger);
      revocationReader = await startRevocationReader(bus, revocations, { service: "logger" });
      const windows = {
        historyWindowDays: config.historyWindowDays,
        failureWindowMinutes: config.failureWindowMinutes,
      };
      stages.push(
        await startStage(
          bus,
          recordStage({
            db,
            windows,
            maxInFlight: config.maxInFlight,
            logger: logger.child({ stage: "logger" }),
          }),
        ),
      );
      stages.push(
        await startStage(
          bus,
          outcomeStage({
            db,
            maxInFlight: config.maxInFlight,
            logger: logger.child({ stage: "logger-outcomes" }),
          }),
        ),
      );
      stages.push(await startStage(bus, loggerErasureStage(db, logger.child({ stage: "logger-erasure" }))));
      retention = startRetentionJob({
        sql: db.sql,
        settings: config,
        intervalMs: config.retentionIntervalMinutes * 60_000,
        logger,
      });
    },
    async stop() {
      await retention?.stop();
      retention = undefined;
      for (const stage of [...stages].reverse()) await stage.stop();
      stages = [];
      await revocationReader?.stop();
      revocationReader = undefined;
    },
  };
}
