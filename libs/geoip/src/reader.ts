import { type Stats, unwatchFile, watchFile } from "node:fs";
import { resolve } from "node:path";
import { describeError } from "@loginguard/errors";
import { createLogger, type Logger } from "@loginguard/observability";
import { LruCache } from "./cache";
import { classifyParsedIp, type IpClass, type IpRange } from "./classify";
import { type GeoIpDatabaseInfo, type LoadedDatabase, loadDatabase } from "./database";
import { defaultGeoIpDatabasePath } from "./default-path";
import { parseIp } from "./normalize";
import { countryFromRecord } from "./record";

/** Default number of cached lookups (under 10 MB of heap, measured by bench.ts). */
export const DEFAULT_GEOIP_CACHE_SIZE = 100_000;

/** Default interval between checks of the database file for changes. */
export const DEFAULT_GEOIP_WATCH_INTERVAL_MS = 5_000;

/** Options of `openGeoIp`. */
export interface GeoIpOptions {
  /**
   * Path of a MaxMind DB file (`.mmdb`): GeoIP2/GeoLite2 Country or City, or an ip-location-db
   * country database. Apps pass `GEOIP_DB` from their env.ts. Default:
   * `defaultGeoIpDatabasePath()`, the CC0 database from npm.
   */
  path?: string;
  /**
   * Most lookups kept in the cache (an approximate LRU that always keeps a working set of half
   * this size, see `LruCache`); 0 turns caching off. Default 100,000 (under 10 MB).
   */
  cacheSize?: number;
  /** Default: `createLogger("geoip")`. */
  logger?: Logger;
  /** Reload the file when it changes on disk. Default true. */
  watch?: boolean;
  /** How often the file is checked for changes (it is polled, see README). Default 5,000 ms. */
  watchIntervalMs?: number;
}

/** Where a login came from. */
export interface GeoIpLocation {
  /**
   * ISO 3166-1 alpha-2 code, uppercase; null when the database does not know the address or
   * the address is not `public` (private and reserved addresses never get a country, even when
   * a database maps them to one).
   */
  readonly country: string | null;
  readonly ipClass: IpClass;
  /** The special-purpose block of a private or reserved address; otherwise null. */
  readonly ipRange: IpRange | null;
  /** The address in canonical form (see `normalizeIp`); null when the text was not an address. */
  readonly normalizedIp: string | null;
}

/** Counters for metrics and tests. */
export interface GeoIpStats {
  readonly cacheEntries: number;
  /** Lookups answered from the cache since open. */
  readonly cacheHits: number;
  /** Lookups that were not (including text that is not an address). */
  readonly cacheMisses: number;
  /** Successful reloads since open. */
  readonly reloads: number;
  /** Reloads that failed (the previous database stayed in use). */
  readonly reloadFailures: number;
}

/** An open GeoIP database. */
export interface GeoIpReader {
  /**
   * Normalises, classifies and looks up an address. Never throws: text that is not an address
   * gives `{ country: null, ipClass: "invalid", ipRange: null, normalizedIp: null }`.
   */
  locate(ipText: string): GeoIpLocation;
  /** The database now in use; changes after a reload. */
  readonly database: GeoIpDatabaseInfo;
  /** Absolute path of the database file. */
  readonly path: string;
  /**
   * Reads the file again. Resolves true when a new database replaced the old one, false when
   * the file's content has not changed; rejects with the reason when the new file cannot be
   * used, and the previous database stays in use. The file watcher calls this on changes.
   */
  reload(): Promise<boolean>;
  stats(): GeoIpStats;
  /** Stops watching the file. Lookups keep answering from the last database. */
  close(): void;
}

interface State {
  readonly db: LoadedDatabase;
  readonly cache: LruCache<string, GeoIpLocation>;
}

const INVALID_LOCATION: GeoIpLocation = Object.freeze({
  country: null,
  ipClass: "invalid",
  ipRange: null,
  normalizedIp: null,
});

/** Log fields for an error and its cause (mmdb-lib's message says what is wrong with a file). */
function errorFields(err: unknown): { err: string; cause?: string } {
  const cause = err instanceof Error ? err.cause : undefined;
  return cause === undefined
    ? { err: describeError(err) }
    : { err: describeError(err), cause: describeError(cause) };
}

/**
 * Opens a MaxMind DB file for country lookups. Rejects with a `LoginGuardError` when the file
 * is missing, is not a MaxMind DB, or has no countries (an ASN database, for instance).
 *
 * Lookups are cached per input text; the cache is dropped when the database is reloaded. With
 * `watch` on (the default), a changed file is opened in the background and swapped in only once
 * it opened and passed its checks; until then, and for good if it is broken, the previous
 * database keeps answering and the failure is logged.
 *
 * @example
 * const geoip = await openGeoIp({ path: env.GEOIP_DB });
 * geoip.locate("::ffff:8.8.8.8"); // { country: "US", ipClass: "public", ipRange: null, normalizedIp: "8.8.8.8" }
 */
export async function openGeoIp(options: GeoIpOptions = {}): Promise<GeoIpReader> {
  const path = resolve(options.path ?? defaultGeoIpDatabasePath());
  const cacheSize = options.cacheSize ?? DEFAULT_GEOIP_CACHE_SIZE;
  const logger = options.logger ?? createLogger("geoip");
  const watchIntervalMs = options.watchIntervalMs ?? DEFAULT_GEOIP_WATCH_INTERVAL_MS;
  if (!Number.isSafeInteger(watchIntervalMs) || watchIntervalMs <= 0) {
    throw new RangeError(`watchIntervalMs must be a positive integer, got ${watchIntervalMs}`);
  }
  // Checked before reading the file, so a bad option is reported as such.
  const firstCache = new LruCache<string, GeoIpLocation>(cacheSize);

  let state: State = { db: await loadDatabase(path), cache: firstCache };
  let reloads = 0;
  let hits = 0;
  let misses = 0;
  let reloadFailures = 0;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();
  logger.info(
    { path, databaseType: state.db.info.type, buildEpoch: state.db.info.buildEpoch },
    "GeoIP database opened",
  );

  async function loadAndSwap(): Promise<boolean> {
    let next: LoadedDatabase;
    try {
      next = await loadDatabase(path);
    } catch (err) {
      reloadFailures++;
      throw err;
    }
    if (next.bytes.equals(state.db.bytes)) return false;
    state = { db: next, cache: new LruCache<string, GeoIpLocation>(cacheSize) };
    reloads++;
    logger.info(
      { path, databaseType: next.info.type, buildEpoch: next.info.buildEpoch },
      "GeoIP database reloaded",
    );
    return true;
  }

  function reload(): Promise<boolean> {
    // One reload at a time, in order: a burst of changes ends with the file's last content.
    const run = queue.then(loadAndSwap);
    queue = run.catch(() => undefined);
    return run;
  }

  const onChange = (curr: Stats): void => {
    if (closed) return;
    if (curr.nlink === 0 && curr.mtimeMs === 0) {
      logger.warn({ path }, "GeoIP database file is gone; keeping the loaded database");
      return;
    }
    reload().catch((err: unknown) => {
      logger.error(
        { path, ...errorFields(err) },
        "GeoIP database reload failed; keeping the previous database",
      );
    });
  };
  if (options.watch ?? true) {
    watchFile(path, { interval: watchIntervalMs, persistent: false }, onChange);
  }

  function lookupCountry(db: LoadedDatabase, ip: string, version: 4 | 6): string | null {
    // An IPv4-only tree walked with an IPv6 address answers for some unrelated IPv4 block.
    if (version === 6 && db.ipVersion === 4) return null;
    return countryFromRecord(db.reader.get(ip));
  }

  return {
    locate(ipText: string): GeoIpLocation {
      const current = state;
      const cached = current.cache.get(ipText);
      if (cached !== undefined) {
        hits++;
        return cached;
      }
      misses++;

      const normalized = parseIp(ipText);
      if (!normalized.ok) return INVALID_LOCATION;
      const { ipClass, ipRange } = classifyParsedIp(normalized);
      let country: string | null = null;
      if (ipClass === "public") {
        try {
          country = lookupCountry(current.db, normalized.ip, normalized.version);
        } catch (err) {
          // A damaged record: answer "unknown" without caching it, so a reload can fix it.
          logger.error({ path, ...errorFields(err) }, "GeoIP lookup failed");
          return Object.freeze({ country: null, ipClass, ipRange, normalizedIp: normalized.ip });
        }
      }
      const location: GeoIpLocation = Object.freeze({
        country,
        ipClass,
        ipRange,
        normalizedIp: normalized.ip,
      });
      current.cache.set(ipText, location);
      return location;
    },
    get database(): GeoIpDatabaseInfo {
      return state.db.info;
    },
    path,
    reload,
    stats(): GeoIpStats {
      return {
        cacheEntries: state.cache.size,
        cacheHits: hits,
        cacheMisses: misses,
        reloads,
        reloadFailures,
      };
    },
    close(): void {
      if (closed) return;
      closed = true;
      unwatchFile(path, onChange);
    },
  };
}
