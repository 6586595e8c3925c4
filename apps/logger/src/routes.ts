import { randomBytes } from "node:crypto";
import {
  type ApiKeys,
  type AuthVariables,
  playerAuth,
  type StaffRevocations,
  staffAuth,
} from "@loginguard/auth";
import type { AuditPublisher } from "@loginguard/bus";
import { type Database, mapPostgresError } from "@loginguard/db";
import { retryability } from "@loginguard/errors";
import { problems } from "@loginguard/http";
import { pickLanguage } from "@loginguard/i18n";
import { type Context, Hono } from "hono";
import { decodeCursor, encodeCursor, parseLimit } from "./cursor";
import { playerItem, staffItem } from "./history-items";
import { type HistoryPage, readHistory } from "./history-query";
import { mountRevealRoute, REVEAL_IP_PATH } from "./reveal-route";

export interface HistoryRoutesOptions {
  db: Database;
  /** PLAYER_TOKEN_SECRET. */
  playerTokenSecret: string;
  /** STAFF_SESSION_SECRET; null: the staff route takes admin API keys only. */
  staffSessionSecret: string | null;
  /** ADMIN_API_KEYS. */
  adminKeys: ApiKeys;
  /** Secure flag of the refreshed staff cookie (production). */
  secureCookies?: boolean;
  /** Sessions signed out elsewhere, refused at once. */
  revocations?: StaffRevocations;
  /** Where IP reveals are audited; unset: no reveal route. */
  audit?: AuditPublisher;
}

export const PLAYER_HISTORY_PATH = "/v1/me/logins";
export const STAFF_HISTORY_PATH = "/v1/accounts/:accountId/logins";

/**
 * The history API (docs/ARCHITECTURE.md section 6): `GET /v1/me/logins` for the player signed in (their own
 * account, the only one a player can reach) and `GET /v1/accounts/{accountId}/logins` for staff.
 * Middleware is scoped to these two paths, so mounting at the root touches no other route.
 */
export function historyRoutes(options: HistoryRoutesOptions): Hono {
  const routes = new Hono();
  routes.use(PLAYER_HISTORY_PATH, playerAuth(options.playerTokenSecret));
  const staff = staffAuth({
    // Without a configured secret no session cookie can verify: admin keys only.
    sessionSecret: options.staffSessionSecret ?? randomBytes(32).toString("hex"),
    adminKeys: options.adminKeys,
    secureCookies: options.secureCookies,
    revocations: options.revocations,
  });
  routes.use(STAFF_HISTORY_PATH, staff);
  if (options.audit) {
    routes.use(REVEAL_IP_PATH, staff);
    mountRevealRoute(routes, { db: options.db, audit: options.audit });
  }

  routes.get(PLAYER_HISTORY_PATH, async (c) => {
    const lang = languageOf(c);
    const page = await readPage(c, options.db, authOf(c).accountId);
    return answer(c, page, (line) => playerItem(line, lang));
  });

  routes.get(STAFF_HISTORY_PATH, async (c) => {
    const accountId = c.req.param("accountId");
    if (accountId.length === 0 || accountId.length > 128) {
      throw problems.badRequest("accountId must be 1 to 128 characters");
    }
    const lang = languageOf(c);
    const page = await readPage(c, options.db, accountId);
    return answer(c, page, (line) => staffItem(line, lang));
  });

  return routes;
}

/** What the route's auth middleware set. */
function authOf(c: Context): AuthVariables {
  return c.var as AuthVariables;
}

function languageOf(c: Context): "en" | "ko" {
  return pickLanguage(c.req.header("accept-language"), c.req.query("lang"));
}

async function readPage(c: Context, db: Database, accountId: string): Promise<HistoryPage> {
  const limit = parseLimit(c.req.query("limit"));
  const cursorText = c.req.query("cursor");
  const cursor = cursorText ? decodeCursor(cursorText) : null;
  try {
    return await readHistory(db, accountId, { limit, cursor });
  } catch (err) {
    if (isUnavailable(err)) throw problems.unavailable("The login history is unavailable; try again", err);
    throw err;
  }
}

function answer<T>(c: Context, page: HistoryPage, view: (line: HistoryPage["lines"][number]) => T): Response {
  c.header("cache-control", "no-store");
  return c.json({ items: page.lines.map(view), nextCursor: page.next ? encodeCursor(page.next) : null });
}

/** A database that is down or restarting (drizzle wraps the driver's error in `cause`). */
function isUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if (retryability(mapPostgresError(e)) === true) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
