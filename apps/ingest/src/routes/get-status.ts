import { IDENTIFIER_MESSAGES, pathIdentifierProblem } from "@loginguard/events";
import { normalizeIp } from "@loginguard/geoip";
import { HttpProblem, problemResponse, problems, toProblem } from "@loginguard/http";
import type { Context } from "hono";
import { type StatusCache, withIpFlagged, withStale } from "../status-cache";

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };
/** Seconds a game server is told to wait while the cache replays account.changed. */
export const STATUS_RETRY_AFTER_SECONDS = 1;

const NOT_READY = new HttpProblem(503, "status-not-ready", "Status not known yet", {
  detail:
    "The status cache is still reading account.changed since this process started; this account may be locked. Retry after the given seconds.",
  retryAfter: STATUS_RETRY_AFTER_SECONDS,
});

/**
 * `GET /v1/accounts/{accountId}/status[?ip=]`: answered from the in-memory cache only, so a
 * login server can call it on every login (docs/ARCHITECTURE.md section 6). It never answers
 * `locked: false` as a fact it does not have (issue 9 point 3):
 *
 * - cache warm, account held: its state;
 * - cache warm, account not held: the default (unlocked; locked accounts are never evicted), with
 *   `"stale": true` once the cache had to drop unlocked entries (their country lists may be gone);
 * - cache still replaying, account held: its state with `"stale": true` (a newer change may
 *   still come; a stale `locked: true` is to be honoured);
 * - cache still replaying, account not held: `503` with `retry-after`, since the account may be
 *   locked on a partition not read yet.
 */
export function getStatus(cache: StatusCache, isWarm: () => boolean) {
  return (c: Context): Response => {
    const accountId = c.req.param("accountId") ?? "";
    if (accountId.length === 0 || accountId.length > 128) {
      throw problems.validation([{ path: "accountId", message: "must be 1 to 128 characters" }]);
    }
    const problem = pathIdentifierProblem(accountId);
    if (problem) throw problems.validation([{ path: "accountId", message: IDENTIFIER_MESSAGES[problem] }]);
    const ip = c.req.query("ip");
    const normalized = ip === undefined ? undefined : normalizeIp(ip);
    if (normalized && !normalized.ok) {
      throw problems.validation([{ path: "ip", message: "must be an IPv4 or IPv6 address" }]);
    }
    const found = cache.lookup(accountId);
    const warm = isWarm();
    if (!warm && !found.known) {
      // Answered, not thrown: the error boundary would log every request of a replay.
      return problemResponse(c, toProblem(NOT_READY, c.req.path));
    }
    let json = found.json;
    if (!warm || !found.certain) json = withStale(json);
    if (normalized?.ok) json = withIpFlagged(json, cache.isIpFlagged(normalized.ip));
    return c.body(json, 200, JSON_HEADERS);
  };
}
