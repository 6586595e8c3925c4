import { readFile } from "node:fs/promises";
import { LoginGuardError } from "@loginguard/errors";
import { Reader, type Response } from "maxmind";
import { LruCache } from "./cache";

/** Which database answers: from its MaxMind DB metadata. */
export interface GeoIpDatabaseInfo {
  /** `database_type`, e.g. `GeoIP2-Country`, `GeoLite2-City`, `country ipvAll`. */
  readonly type: string;
  /** `build_epoch`: when the database was built, in seconds since the Unix epoch. */
  readonly buildEpoch: number;
}

/** An opened database file, checked and ready for lookups. */
export interface LoadedDatabase {
  readonly reader: Reader<Response>;
  readonly info: GeoIpDatabaseInfo;
  /** 4: an IPv4-only tree, which cannot answer for IPv6 addresses. */
  readonly ipVersion: 4 | 6;
  /** The file's bytes, to tell whether a changed file really has new content. */
  readonly bytes: Buffer;
}

/**
 * Database types that carry no country: ASN, ISP, anonymous IP, connection type, domain,
 * user count, static IP score and IP risk databases (MaxMind), `asn` databases (ip-location-db).
 */
const NOT_COUNTRY_TYPES = /\b(asn|isp|anonymous|connection|domain|user-count|static-ip|ip-risk)\b/i;

/** mmdb-lib's decoder cache, keyed by record offset; MaxMind's own default size. */
const DECODER_CACHE_ENTRIES = 10_000;

/** Size of the separator between the search tree and the data section (MaxMind DB spec). */
const DATA_SECTION_SEPARATOR = 16;

function invalid(message: string, path: string, cause?: unknown): LoginGuardError {
  return new LoginGuardError(message, {
    code: "geoip_database_invalid",
    retryable: false,
    context: { path },
    cause,
  });
}

/**
 * Reads and checks a MaxMind DB file. Throws a `LoginGuardError` (not retryable) when the file
 * cannot be read (`geoip_database_unreadable`), is not a usable MaxMind DB
 * (`geoip_database_invalid`) or is a database without countries, such as GeoLite2-ASN
 * (`geoip_database_unsupported`).
 */
export async function loadDatabase(path: string): Promise<LoadedDatabase> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new LoginGuardError(`cannot read GeoIP database ${path}`, {
      code: "geoip_database_unreadable",
      retryable: false,
      context: { path },
      cause,
    });
  }
  return parseDatabase(bytes, path);
}

/** Checks the bytes of a MaxMind DB file; see `loadDatabase` for the errors. */
export function parseDatabase(bytes: Buffer, path: string): LoadedDatabase {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw invalid(`GeoIP database ${path} is gzip-compressed; decompress it to a .mmdb file first`, path);
  }
  let reader: Reader<Response>;
  try {
    reader = new Reader<Response>(bytes, {
      cache: new LruCache<string | number, unknown>(DECODER_CACHE_ENTRIES),
    });
  } catch (cause) {
    throw invalid(`${path} is not a MaxMind DB file`, path, cause);
  }

  const m = reader.metadata;
  const buildEpochMs = m.buildEpoch instanceof Date ? m.buildEpoch.getTime() : Number.NaN;
  if (
    typeof m.databaseType !== "string" ||
    m.databaseType.length === 0 ||
    (m.ipVersion !== 4 && m.ipVersion !== 6) ||
    !Number.isSafeInteger(m.nodeCount) ||
    m.nodeCount <= 0 ||
    m.searchTreeSize + DATA_SECTION_SEPARATOR > bytes.length ||
    !Number.isFinite(buildEpochMs)
  ) {
    throw invalid(`${path} has no valid MaxMind DB metadata`, path);
  }
  if (NOT_COUNTRY_TYPES.test(m.databaseType)) {
    throw new LoginGuardError(
      `GeoIP database ${path} is a ${m.databaseType} database, which has no countries; use a Country or City database`,
      {
        code: "geoip_database_unsupported",
        retryable: false,
        context: { path, databaseType: m.databaseType },
      },
    );
  }
  try {
    // Walk the tree once per address family so a damaged tree fails here, not on a login.
    reader.get("1.1.1.1");
    if (m.ipVersion === 6) reader.get("2001:4860:4860::8888");
  } catch (cause) {
    throw invalid(`${path} is damaged: a test lookup failed`, path, cause);
  }

  return {
    reader,
    info: Object.freeze({ type: m.databaseType, buildEpoch: Math.floor(buildEpochMs / 1000) }),
    ipVersion: m.ipVersion,
    bytes,
  };
}
