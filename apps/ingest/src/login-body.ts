import {
  cleanFreeText,
  IDENTIFIER_MESSAGES,
  identifierProblem,
  type LoginAttempted,
  newEventId,
} from "@loginguard/events";
import { normalizeIp } from "@loginguard/geoip";
import { metrics } from "@loginguard/observability";
import { isCanonicalUtc, parseRfc3339 } from "./rfc3339";

/** Most logins in one `{"events": [...]}` request (docs/ARCHITECTURE.md section 6). */
export const MAX_BATCH_LOGINS = 1000;
/** `occurredAt` further ahead of the server clock than this is refused (clock or unit bugs). */
export const MAX_FUTURE_SKEW_MS = 24 * 3600_000;
/** `occurredAt` older than this is refused: history is not kept longer (HISTORY_RETENTION_DAYS). */
export const MAX_PAST_AGE_MS = 365 * 24 * 3600_000;
/** Errors listed in one 400 answer; the rest are counted in `detail`. */
export const MAX_REPORTED_ERRORS = 100;

/** One problem with one login of a request; `index` is 0 for a single-login body. */
export interface LoginItemError {
  index: number;
  /** The field, e.g. `ip`; empty for the login object itself. */
  path: string;
  message: string;
}

/** The logins of a body, before they are checked one by one. */
export type LoginItems =
  | { ok: true; items: readonly unknown[]; batch: boolean }
  | { ok: false; message: string };

/**
 * Splits a body into its logins: `{"events": [...]}` is a batch of 1 to 1000, any other object
 * is one login. Cheap: it looks at the shape only, so the rate limiter can count events first.
 */
export function loginItemsOf(body: unknown): LoginItems {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, message: 'The body must be one login object or {"events": [...]}' };
  }
  if (!Object.hasOwn(body, "events")) return { ok: true, items: [body], batch: false };
  const events = (body as { events: unknown }).events;
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_BATCH_LOGINS) {
    return { ok: false, message: `"events" must be an array of 1 to ${MAX_BATCH_LOGINS} logins` };
  }
  for (const key in body) {
    if (key !== "events") return { ok: false, message: `Unknown field "${key}" next to "events"` };
  }
  return { ok: true, items: events, batch: true };
}

/** What every login of one request shares. */
export interface LoginContext {
  /** Server clock, epoch ms. */
  now: number;
  /** `receivedAt` of every login of the request. */
  receivedAt: string;
  /** The ingest API key's name. */
  source: string;
}

export type LoginValidation =
  | { ok: true; logins: LoginAttempted[] }
  | { ok: false; errors: LoginItemError[]; invalidItems: number; totalErrors: number };

/** Identifiers a game server generates: refused with control characters or invalid UTF-8. */
type OptionalId = "gameId" | "serverId" | "sessionId";
/** Free text (from the game client or for people): cleaned and capped, never refused for its content. */
type FreeText = "failureReason" | "deviceId" | "userAgent";

/** Longest text of each optional field (LoginAttemptedSchema). */
const ID_LIMITS: Readonly<Record<OptionalId, number>> = { gameId: 128, serverId: 128, sessionId: 256 };
const TEXT_LIMITS: Readonly<Record<FreeText, number>> = { failureReason: 128, deviceId: 256, userAgent: 512 };

const KNOWN_FIELDS = new Set([
  "eventId",
  "accountId",
  "occurredAt",
  "ip",
  "result",
  ...Object.keys(ID_LIMITS),
  ...Object.keys(TEXT_LIMITS),
]);
const ID_FIELDS = Object.keys(ID_LIMITS) as OptionalId[];
const TEXT_FIELDS = Object.keys(TEXT_LIMITS) as FreeText[];

/**
 * Checks every login and builds its `login.attempted` data. All or nothing: one bad login and
 * the answer is the list of errors (at most MAX_REPORTED_ERRORS), no data.
 *
 * Decisions where docs/ARCHITECTURE.md is silent: unknown fields are rejected (a typo such as
 * `failure_reason` would otherwise be dropped without a word); `null` counts as absent for the
 * optional fields; `ip` is published normalised (`::ffff:1.2.3.4` → `1.2.3.4`) so one address
 * has one spelling in every later count; `occurredAt` is published in UTC with millisecond
 * precision (the same instant, one sortable form).
 */
export function validateLogins(items: readonly unknown[], context: LoginContext): LoginValidation {
  const logins: LoginAttempted[] = [];
  const errors: LoginItemError[] = [];
  let totalErrors = 0;
  let invalidItems = 0;
  const report: Report = (index, path, message) => {
    totalErrors++;
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ index, path, message });
    return undefined;
  };
  for (let index = 0; index < items.length; index++) {
    const before = totalErrors;
    const login = validateLogin(items[index], index, context, report);
    if (totalErrors > before || !login) invalidItems++;
    else if (invalidItems === 0) logins.push(login);
  }
  return invalidItems === 0 ? { ok: true, logins } : { ok: false, errors, invalidItems, totalErrors };
}

/** Records an error; returns undefined so checks can `return report(...)`. */
type Report = (index: number, path: string, message: string) => undefined;

function validateLogin(
  item: unknown,
  index: number,
  context: LoginContext,
  report: Report,
): LoginAttempted | undefined {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    report(index, "", "must be a login object");
    return undefined;
  }
  const fields = item as Record<string, unknown>;
  for (const key in fields) {
    if (!KNOWN_FIELDS.has(key)) report(index, key, "is not a field of a login");
  }

  let eventId = fields.eventId;
  if (eventId === undefined || eventId === null) eventId = newEventId(context.now);
  else eventId = identifier(eventId, index, "eventId", report);
  const accountId =
    fields.accountId === undefined
      ? report(index, "accountId", "is required")
      : identifier(fields.accountId, index, "accountId", report);
  const occurredAt = instant(fields.occurredAt, index, context.now, report);
  const ip = address(fields.ip, index, report);
  const result = fields.result;
  if (result !== "success" && result !== "failure") {
    report(index, "result", result === undefined ? "is required" : 'must be "success" or "failure"');
  }
  if (
    typeof eventId !== "string" ||
    typeof accountId !== "string" ||
    occurredAt === undefined ||
    ip === undefined ||
    (result !== "success" && result !== "failure")
  ) {
    checkOptionals(fields, index, report);
    return undefined;
  }
  const login: LoginAttempted = {
    eventId,
    accountId,
    occurredAt,
    ip,
    result,
    receivedAt: context.receivedAt,
    source: context.source,
  };
  return checkOptionals(fields, index, report, login) ? login : undefined;
}

/**
 * Checks the optional fields and copies the present ones into `login`; false on errors.
 * Identifiers are refused like accountId. Free text is cleaned (control characters removed,
 * lone surrogates replaced, cut to its cap) and the cleaning counted in
 * `loginguard_text_cleaned_total`: a user agent is never a reason to lose a security event.
 */
function checkOptionals(
  fields: Record<string, unknown>,
  index: number,
  report: Report,
  login?: LoginAttempted,
): boolean {
  let ok = true;
  for (const name of ID_FIELDS) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    const id = identifier(value, index, name, report, ID_LIMITS[name]);
    if (id === undefined) ok = false;
    else if (login) login[name] = id;
  }
  for (const name of TEXT_FIELDS) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") {
      report(index, name, "must be a string");
      ok = false;
    } else if (login) {
      const cleaned = cleanFreeText(value, TEXT_LIMITS[name]);
      if (cleaned.control) metrics.textCleaned.inc({ service: "ingest", field: name, kind: "control" });
      if (cleaned.invalidUtf8)
        metrics.textCleaned.inc({ service: "ingest", field: name, kind: "invalid_utf8" });
      if (cleaned.truncated) metrics.textCleaned.inc({ service: "ingest", field: name, kind: "truncated" });
      login[name] = cleaned.text;
    }
  }
  return ok;
}

function identifier(
  value: unknown,
  index: number,
  path: string,
  report: Report,
  max = 128,
): string | undefined {
  if (typeof value !== "string") return report(index, path, "must be a string");
  if (value.length === 0 || value.length > max) return report(index, path, `must be 1 to ${max} characters`);
  const problem = identifierProblem(value);
  if (problem) return report(index, path, IDENTIFIER_MESSAGES[problem]);
  return value;
}

function instant(value: unknown, index: number, now: number, report: Report): string | undefined {
  if (value === undefined) return report(index, "occurredAt", "is required");
  const ms = typeof value === "string" ? parseRfc3339(value) : null;
  if (ms === null) {
    return report(
      index,
      "occurredAt",
      "must be an RFC 3339 date-time with offset, e.g. 2026-05-01T12:00:00Z",
    );
  }
  if (ms > now + MAX_FUTURE_SKEW_MS) return report(index, "occurredAt", "is more than 1 day in the future");
  if (ms < now - MAX_PAST_AGE_MS) return report(index, "occurredAt", "is more than 365 days in the past");
  // Most game servers already send this form; building it again costs as much as the rest.
  return isCanonicalUtc(value as string) ? (value as string) : new Date(ms).toISOString();
}

const IP_REASONS: Readonly<Record<string, string>> = {
  not_a_string: "must be a string",
  empty: "must not be empty",
  too_long: "is too long for an IP address",
  zone_id: "must not carry an IPv6 zone id (%...)",
  cidr: "must be one address, not a network (/prefix)",
  port: "must not carry a port",
  leading_zero: "must not have IPv4 octets with leading zeros",
  out_of_range: "has an IPv4 octet above 255",
  malformed: "must be an IPv4 or IPv6 address",
};

function address(value: unknown, index: number, report: Report): string | undefined {
  if (value === undefined) return report(index, "ip", "is required");
  if (typeof value !== "string") return report(index, "ip", "must be a string");
  const normalized = normalizeIp(value);
  if (!normalized.ok) return report(index, "ip", IP_REASONS[normalized.reason] ?? "is not an IP address");
  return normalized.ip;
}
