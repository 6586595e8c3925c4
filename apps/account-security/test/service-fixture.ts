import {
  csrfTokenFor,
  mintPlayerToken,
  newSessionId,
  STAFF_COOKIE,
  sealStaffSession,
} from "@loginguard/auth";
import type { Bus } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import { createApp } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import type { Hono } from "hono";
import type { AccountSecurityConfig } from "../src/env";
import { derivePepper } from "../src/env";
import { DEFAULT_RULES_CONFIG, type RulesConfig } from "../src/rules/config";
import { type AccountSecurityService, createAccountSecurityService } from "../src/service";
import type { UnlockPolicy } from "../src/state/unlock-challenges";

export const PLAYER_SECRET = "player-secret-for-tests-0123456789";
export const STAFF_SECRET = "staff-secret-for-tests-0123456789";
export const ADMIN_KEY = "admin-key-for-tests-0123456789";
export const INGEST_KEY = "ingest-key-for-tests-0123456789";
export const ANSWER_SECRET = "answer-secret-for-tests-0123456789";

/** A configuration as loadAccountSecurityConfig would build it, with test secrets. */
export function testConfig(over: Partial<AccountSecurityConfig> = {}): AccountSecurityConfig {
  return {
    playerTokenSecret: PLAYER_SECRET,
    staffSessionSecret: STAFF_SECRET,
    adminApiKeys: new Map([["ops", ADMIN_KEY]]),
    ingestApiKeys: new Map([["game", INGEST_KEY]]),
    answerTokenSecret: ANSWER_SECRET,
    unlockCodePepper: derivePepper(PLAYER_SECRET),
    rules: DEFAULT_RULES_CONFIG,
    stateCache: "auto",
    stateCacheSize: 1000,
    recentLoginDays: 30,
    decisionRetentionDays: 365,
    travelMaxDays: 90,
    maxInFlight: 500,
    trustProxy: false,
    secureCookies: false,
    erasureServices: ["account-security", "logger", "responder", "portal"],
    ...over,
  };
}

/** A clock the test moves by hand. */
export class TestClock {
  #now: number;
  constructor(start: string) {
    this.#now = new Date(start).getTime();
  }
  readonly now = (): Date => new Date(this.#now);
  advanceMinutes(minutes: number): void {
    this.#now += minutes * 60_000;
  }
}

/** A migrated service on `db` with its routes mounted on a host app, as the platform does. */
export async function startTestService(options: {
  db: Database;
  bus: Bus;
  clock: TestClock;
  rules?: RulesConfig;
  config?: Partial<AccountSecurityConfig>;
  unlockPolicy?: Partial<UnlockPolicy>;
}): Promise<{ service: AccountSecurityService; app: Hono }> {
  const service = createAccountSecurityService({
    bus: options.bus,
    db: options.db,
    config: testConfig({ ...(options.rules ? { rules: options.rules } : {}), ...options.config }),
    logger: silentLogger(),
    clock: options.clock.now,
    ...(options.unlockPolicy ? { unlockPolicy: options.unlockPolicy } : {}),
  });
  await service.migrate();
  const app = createApp({ service: "test", logger: silentLogger() });
  app.route("/", service.routes!);
  return { service, app };
}

/** Request helpers for a player of `accountId`. */
export async function asPlayer(app: Hono, accountId: string) {
  const token = await mintPlayerToken(accountId, PLAYER_SECRET);
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  return {
    token,
    get: (path: string) => app.request(path, { headers }),
    send: (method: string, path: string, body: unknown) =>
      app.request(path, { method, headers, body: JSON.stringify(body) }),
  };
}

/** A signed-in staff member's cookie and CSRF token. */
export function staffSession(role: "support" | "admin" = "support", email = "agent@example.com") {
  const sid = newSessionId();
  const now = Date.now();
  const cookie = `${STAFF_COOKIE}=${sealStaffSession(
    { sid, staffId: `staff-${email}`, email, role, issuedAt: now, lastActiveAt: now },
    STAFF_SECRET,
  )}`;
  return { cookie, csrf: csrfTokenFor(sid, STAFF_SECRET), staffId: `staff-${email}`, email };
}

/** `env` for app.request that makes the request come from `address` (the node server's socket). */
export function fromAddress(address: string) {
  return { incoming: { socket: { remoteAddress: address } } };
}
