import { type Bus, type RunningStage, startStage } from "@loginguard/bus";
import { type GeoIpReader, openGeoIp } from "@loginguard/geoip";
import type { ServiceModule } from "@loginguard/http";
import { createLogger, type Logger } from "@loginguard/observability";
import type { IpCheckerConfig } from "./env";
import { IP_CHECKER_STAGE, ipCheckerStage } from "./stage";

export interface IpCheckerServiceOptions {
  bus: Bus;
  config: IpCheckerConfig;
  logger?: Logger;
  /** An already open database (tests, or a host sharing one); default: opened at start from config. */
  geoip?: GeoIpReader;
}

/** The ip-checker module: no HTTP routes of its own, one stage. */
export interface IpCheckerService extends ServiceModule {
  /** The running stage after start (to change maxInFlight at run time). */
  readonly stage: RunningStage | undefined;
}

/**
 * Stage `login.attempted` -> `login.located` (docs/ARCHITECTURE.md section 2). `start()` opens the GeoIP
 * database (GEOIP_DB, or the CC0 default; reloaded when the file changes) and starts the stage;
 * `stop()` drains the stage and closes the database it opened.
 */
export function createIpCheckerService(options: IpCheckerServiceOptions): IpCheckerService {
  const { bus, config } = options;
  const logger = options.logger ?? createLogger(IP_CHECKER_STAGE);
  let geoip = options.geoip;
  let ownsGeoip = false;
  let stage: RunningStage | undefined;

  return {
    name: IP_CHECKER_STAGE,
    get stage() {
      return stage;
    },
    async start() {
      if (stage) return;
      if (!geoip) {
        geoip = await openGeoIp({
          ...(config.geoipPath === undefined ? {} : { path: config.geoipPath }),
          cacheSize: config.geoipCacheSize,
          logger,
        });
        ownsGeoip = true;
      }
      stage = await startStage(bus, ipCheckerStage(geoip, { maxInFlight: config.maxInFlight, logger }));
    },
    async stop() {
      await stage?.stop();
      stage = undefined;
      if (ownsGeoip) {
        geoip?.close();
        geoip = undefined;
        ownsGeoip = false;
      }
    },
  };
}
