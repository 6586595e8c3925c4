import { type LoginAttempted, newEventId } from "@loginguard/events";
import { normalizeIp } from "@loginguard/geoip";
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

type Optional = "failureReason" | "gameId" | "serverId" | "sessionId" | "deviceId" | "userAgent";

/** Longest text of each optional field (LoginAttemptedSchema). */
const OPTIONAL_LIMITS: Readonly<Record<Optional, number>> = {
  failureReason: 128,
  gameId: 128,
  serverId: 128,
  sessionId: 256,
  deviceId: 256,
  userAgent: 512,
};

const KNOWN_FIELDS = new Set([
  "eventId",
  "accountId",
  "occurredAt",
  "ip",
  "result",
  ...Object.keys(OPTIONAL_LIMITS),
]);
const OPTIONAL_FIELDS = Object.keys(OPTIONAL_LIMITS) as Optional[];

/** Whether `text` has a C0 control or DEL: they break logs, URLs and record keys. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

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

/** Checks the optional text fields and copies the present ones into `login`; false on errors. */
function checkOptionals(
  fields: Record<string, unknown>,
  index: number,
  report: Report,
  login?: LoginAttempted,
): boolean {
  let ok = true;
  for (const name of OPTIONAL_FIELDS) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    const max = OPTIONAL_LIMITS[name];
    if (typeof value !== "string") {
      report(index, name, "must be a string");
      ok = false;
    } else if (value.length > max) {
      report(index, name, `must be at most ${max} characters`);
      ok = false;
    } else if (login) {
      login[name] = value;
    }
  }
  return ok;
}

function identifier(value: unknown, index: number, path: string, report: Report): string | undefined {
  if (typeof value !== "string") return report(index, path, "must be a string");
  if (value.length === 0 || value.length > 128) return report(index, path, "must be 1 to 128 characters");
  if (hasControlCharacter(value)) return report(index, path, "must not contain control characters");
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
