import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StageContext } from "@loginguard/bus";
import { type Database, migrate, openDatabase } from "@loginguard/db";
import {
  type ActionCompleted,
  type CloudEvent,
  deriveEventId,
  EVENT_TYPES,
  type LoginGuardEvent,
  type LoginLocated,
  type SecurityDecided,
} from "@loginguard/events";
import { silentLogger } from "@loginguard/observability";
import { type PostgresServer, usePostgres } from "@loginguard/testing/postgres";
import { loggerSchema } from "../src/migrations";

/** How a suite gets a fresh, migrated logger database on one backend. */
export interface DatabaseFactory {
  open(): Promise<Database>;
  cleanup(): Promise<void>;
}

/** PGlite in a temporary directory, as the embedded mode runs it. */
export async function pgliteFactory(): Promise<DatabaseFactory> {
  const dirs: string[] = [];
  return {
    async open() {
      const dir = mkdtempSync(join(tmpdir(), "logger-pglite-"));
      dirs.push(dir);
      const db = await openDatabase({ dataDir: dir });
      await migrate(db, loggerSchema);
      return db;
    },
    async cleanup() {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A database of its own on the real PostgreSQL server of the test run. */
export async function postgresFactory(): Promise<DatabaseFactory> {
  const server: PostgresServer = await usePostgres();
  return {
    async open() {
      const db = await openDatabase({ databaseUrl: await server.createDatabase(), poolSize: 4 });
      await migrate(db, loggerSchema);
      return db;
    },
    cleanup: () => server.stop(),
  };
}

export const T0 = Date.parse("2026-03-01T12:00:00.000Z");
export const MINUTE = 60_000;
export const DAY = 86_400_000;
export const iso = (ms: number) => new Date(ms).toISOString();

let counter = 0;

/** A login.located event with sensible defaults; `at` is epoch ms. */
export function located(
  fields: Partial<LoginLocated> & {
    accountId: string;
    at: number;
    country?: string | null;
    ipClass?: LoginLocated["location"]["ipClass"];
    normalizedIp?: string | null;
  },
): LoginGuardEvent<typeof EVENT_TYPES.loginLocated> {
  counter += 1;
  const { at, country, ipClass, normalizedIp, ...rest } = fields;
  const ip = rest.ip ?? "203.0.113.7";
  const data: LoginLocated = {
    eventId: `login-${counter.toString().padStart(6, "0")}`,
    occurredAt: iso(at),
    ip,
    result: "success",
    receivedAt: iso(at + 50),
    source: "test-server",
    ...rest,
    location: {
      country: country === undefined ? "KR" : country,
      ipClass: ipClass ?? "public",
      ipRange: null,
      normalizedIp: normalizedIp === undefined ? ip : normalizedIp,
      geoipDatabase: { type: "test", buildEpoch: 1 },
    },
  };
  return {
    id: deriveEventId("ip-checker", data.eventId),
    type: EVENT_TYPES.loginLocated,
    source: "loginguard/ip-checker",
    time: iso(at + 60),
    subject: data.accountId,
    correlationId: `corr-${data.eventId}`,
    data,
  };
}

/** A security.decided event about `login`. */
export function decided(
  login: { data: LoginLocated },
  fields: Partial<SecurityDecided> = {},
  time = iso(Date.parse(login.data.occurredAt) + 1000),
): CloudEvent<typeof EVENT_TYPES.securityDecided, SecurityDecided> {
  const data: SecurityDecided = {
    accountId: login.data.accountId,
    loginEventId: login.data.eventId,
    occurredAt: login.data.occurredAt,
    action: "notify",
    actions: ["notify"],
    reasons: [{ code: "new_country", action: "notify", mode: "enforce", evidence: { country: "BR" } }],
    channels: ["email", "sms"],
    country: login.data.location.country,
    ...fields,
  };
  counter += 1;
  return {
    id: `decision-${counter}`,
    type: EVENT_TYPES.securityDecided,
    source: "loginguard/account-security",
    time,
    subject: data.accountId,
    correlationId: `corr-${data.loginEventId}`,
    data,
  };
}

/** An action.completed event for `decision`. */
export function completed(
  decision: CloudEvent<string, SecurityDecided>,
  results: ActionCompleted["results"],
  time = iso(Date.parse(decision.time) + 1000),
): CloudEvent<typeof EVENT_TYPES.actionCompleted, ActionCompleted> {
  counter += 1;
  return {
    id: `completion-${counter}`,
    type: EVENT_TYPES.actionCompleted,
    source: "loginguard/responder",
    time,
    subject: decision.data.accountId,
    correlationId: decision.correlationId,
    data: {
      accountId: decision.data.accountId,
      decisionId: decision.id,
      loginEventId: decision.data.loginEventId,
      results,
    },
  };
}

/** What a stage handler gets as its context. */
export function stageContext(stage: string): StageContext {
  return { stage, logger: silentLogger(), signal: new AbortController().signal };
}

export const WINDOWS = { historyWindowDays: 90, failureWindowMinutes: 15 };
