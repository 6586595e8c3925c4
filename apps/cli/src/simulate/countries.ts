/** A country the simulation uses, with an approximate geographic centre for travel times. */
export interface SimCountry {
  code: string;
  name: string;
  lat: number;
  lon: number;
  /** Share of players who live there (0: never a home). */
  homeWeight: number;
  /** A mobile number pattern in E.164, `#` a random digit (fictional ranges where there are any). */
  mobile: string;
  language: "ko" | "en";
}

/**
 * Where the simulated players live, travel to, and where attackers sit. The centres are the
 * usual approximate geographic centres (as in the CIA World Factbook); the simulator only uses
 * them to leave a plausible flight time between two countries and to keep attackers far away.
 */
export const COUNTRIES: readonly SimCountry[] = [
  {
    code: "KR",
    name: "South Korea",
    lat: 37,
    lon: 127.5,
    homeWeight: 45,
    mobile: "+8210########",
    language: "ko",
  },
  { code: "JP", name: "Japan", lat: 36, lon: 138, homeWeight: 10, mobile: "+8190########", language: "en" },
  { code: "TW", name: "Taiwan", lat: 23.5, lon: 121, homeWeight: 6, mobile: "+8869########", language: "en" },
  {
    code: "US",
    name: "United States",
    lat: 38,
    lon: -97,
    homeWeight: 10,
    mobile: "+120255501##",
    language: "en",
  },
  { code: "CA", name: "Canada", lat: 60, lon: -95, homeWeight: 3, mobile: "+141655501##", language: "en" },
  { code: "DE", name: "Germany", lat: 51, lon: 9, homeWeight: 4, mobile: "+4915#########", language: "en" },
  {
    code: "GB",
    name: "United Kingdom",
    lat: 54,
    lon: -2,
    homeWeight: 4,
    mobile: "+447#########",
    language: "en",
  },
  { code: "FR", name: "France", lat: 46, lon: 2, homeWeight: 3, mobile: "+336########", language: "en" },
  { code: "TH", name: "Thailand", lat: 15, lon: 100, homeWeight: 3, mobile: "+668########", language: "en" },
  {
    code: "PH",
    name: "Philippines",
    lat: 13,
    lon: 122,
    homeWeight: 3,
    mobile: "+639#########",
    language: "en",
  },
  { code: "VN", name: "Vietnam", lat: 16, lon: 106, homeWeight: 3, mobile: "+849########", language: "en" },
  {
    code: "AU",
    name: "Australia",
    lat: -27,
    lon: 133,
    homeWeight: 3,
    mobile: "+614########",
    language: "en",
  },
  {
    code: "SG",
    name: "Singapore",
    lat: 1.37,
    lon: 103.8,
    homeWeight: 3,
    mobile: "+659#######",
    language: "en",
  },
  { code: "ES", name: "Spain", lat: 40, lon: -4, homeWeight: 0, mobile: "+346########", language: "en" },
  {
    code: "IT",
    name: "Italy",
    lat: 42.83,
    lon: 12.83,
    homeWeight: 0,
    mobile: "+393#########",
    language: "en",
  },
  { code: "BR", name: "Brazil", lat: -10, lon: -55, homeWeight: 0, mobile: "+55119########", language: "en" },
  { code: "RU", name: "Russia", lat: 60, lon: 100, homeWeight: 0, mobile: "+79#########", language: "en" },
  { code: "NG", name: "Nigeria", lat: 10, lon: 8, homeWeight: 0, mobile: "+23480########", language: "en" },
  { code: "IN", name: "India", lat: 20, lon: 77, homeWeight: 0, mobile: "+919#########", language: "en" },
  {
    code: "ID",
    name: "Indonesia",
    lat: -5,
    lon: 120,
    homeWeight: 0,
    mobile: "+628#########",
    language: "en",
  },
  { code: "UA", name: "Ukraine", lat: 49, lon: 32, homeWeight: 0, mobile: "+38067#######", language: "en" },
];

/** Where players go on holiday or business (never their home). */
export const TRAVEL_DESTINATIONS = [
  "JP",
  "US",
  "TH",
  "VN",
  "FR",
  "GB",
  "AU",
  "SG",
  "DE",
  "ES",
  "IT",
  "TW",
  "KR",
];

/** Where account takeovers and credential stuffing come from in the simulation. */
export const ATTACKER_ORIGINS = ["BR", "RU", "NG", "IN", "ID", "UA"];

const BY_CODE = new Map(COUNTRIES.map((c) => [c.code, c]));

/** The country with that code; throws for a code the table does not have. */
export function countryOf(code: string): SimCountry {
  const country = BY_CODE.get(code);
  if (!country) throw new Error(`unknown simulation country ${code}`);
  return country;
}

/** Great-circle distance between two countries' centres, in km. */
export function distanceKm(from: string, to: string): number {
  const a = countryOf(from);
  const b = countryOf(to);
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Minutes a traveller needs at least between two countries: two hours at the airports plus the
 * distance at 700 km/h, so the speed between the two logins stays well under any
 * impossible-travel threshold (1000 km/h by default).
 */
export function plausibleTravelMinutes(from: string, to: string): number {
  return Math.ceil(120 + (distanceKm(from, to) / 700) * 60);
}
