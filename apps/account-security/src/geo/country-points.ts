import centroids from "./country-centroids.json" with { type: "json" };

/** A point on the globe in degrees. */
export interface GeoPoint {
  lat: number;
  lon: number;
}

const POINTS: Readonly<Record<string, readonly number[]>> = centroids;

/** Mean Earth radius (IUGG), kilometres. */
const EARTH_RADIUS_KM = 6371.0088;

/**
 * The reference point of a country (ISO 3166-1 alpha-2), or undefined for a code the table does
 * not know. See COUNTRY-CENTROIDS.md for where the points come from.
 */
export function countryPoint(code: string | null | undefined): GeoPoint | undefined {
  const point = code && Object.hasOwn(POINTS, code) ? POINTS[code] : undefined;
  return point && point.length === 2 ? { lat: point[0]!, lon: point[1]! } : undefined;
}

/** True for an ISO 3166-1 alpha-2 code the reference table knows (used to validate settings). */
export function isKnownCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && Object.hasOwn(POINTS, code);
}

/** Great-circle distance between two points (haversine), in kilometres. */
export function greatCircleKm(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Distance between two countries' reference points; undefined when either is unknown. */
export function countryDistanceKm(from: string | null, to: string | null): number | undefined {
  const a = countryPoint(from);
  const b = countryPoint(to);
  return a && b ? greatCircleKm(a, b) : undefined;
}
