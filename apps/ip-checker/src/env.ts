import { envFields, parseEnv } from "@loginguard/config";
import { z } from "zod";

/** The variables this app reads (exported so infra checks can name them). */
export const ipCheckerEnvSchema = z.object({
  /** Path of a MaxMind DB country/city file. Default: the CC0 database from npm (libs/geoip). */
  GEOIP_DB: z.string().min(1).optional(),
  /** GeoIP lookups cached (about 200 bytes each). Default 100000. */
  GEOIP_CACHE_SIZE: envFields.positiveInt(100_000),
  /** Records the stage handles at once across partitions. Default 500. */
  IP_CHECKER_MAX_IN_FLIGHT: envFields.positiveInt(500),
});

/** Everything ip-checker reads from the environment, parsed. */
export interface IpCheckerConfig {
  /** Undefined: libs/geoip's default database. */
  geoipPath: string | undefined;
  geoipCacheSize: number;
  maxInFlight: number;
}

/** Parses ip-checker's environment variables; throws a ConfigError naming every bad one. */
export function loadIpCheckerConfig(env: Record<string, string | undefined> = process.env): IpCheckerConfig {
  const e = parseEnv(ipCheckerEnvSchema, env);
  return {
    geoipPath: e.GEOIP_DB,
    geoipCacheSize: e.GEOIP_CACHE_SIZE,
    maxInFlight: e.IP_CHECKER_MAX_IN_FLIGHT,
  };
}
