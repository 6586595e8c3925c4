import { normalizeIp } from "@loginguard/geoip";
import { problems } from "@loginguard/http";
import type { Context } from "hono";
import { type StatusCache, withIpFlagged } from "../status-cache";

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

/**
 * `GET /v1/accounts/{accountId}/status[?ip=]`: answered from the in-memory cache only, so a
 * login server can call it on every login (docs/ARCHITECTURE.md section 6).
 */
export function getStatus(cache: StatusCache) {
  return (c: Context): Response => {
    const accountId = c.req.param("accountId") ?? "";
    if (accountId.length === 0 || accountId.length > 128) {
      throw problems.validation([{ path: "accountId", message: "must be 1 to 128 characters" }]);
    }
    const json = cache.statusJson(accountId);
    const ip = c.req.query("ip");
    if (ip === undefined) return c.body(json, 200, JSON_HEADERS);
    const normalized = normalizeIp(ip);
    if (!normalized.ok) {
      throw problems.validation([{ path: "ip", message: "must be an IPv4 or IPv6 address" }]);
    }
    return c.body(withIpFlagged(json, cache.isIpFlagged(normalized.ip)), 200, JSON_HEADERS);
  };
}
