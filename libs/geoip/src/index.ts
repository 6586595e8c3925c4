export { LruCache } from "./cache";
export { classifyIp, type IpClass, type IpClassification, type IpRange } from "./classify";
export type { GeoIpDatabaseInfo } from "./database";
export { DEFAULT_GEOIP_PACKAGE, defaultGeoIpDatabasePath } from "./default-path";
export { MAX_IP_TEXT_LENGTH, type NormalizedIp, type NormalizeFailureReason, normalizeIp } from "./normalize";
export {
  DEFAULT_GEOIP_CACHE_SIZE,
  DEFAULT_GEOIP_WATCH_INTERVAL_MS,
  type GeoIpLocation,
  type GeoIpOptions,
  type GeoIpReader,
  type GeoIpStats,
  openGeoIp,
} from "./reader";
export { countryFromRecord } from "./record";
