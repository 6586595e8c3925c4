import { type AuthVariables, StaffRevocations } from "@loginguard/auth";
import { type Bus, type RunningStage, startRevocationReader, startStage } from "@loginguard/bus";
import { type Database, migrate } from "@loginguard/db";
import { EVENT_TYPES, TOPICS } from "@loginguard/events";
import type { AccountDataHolder, ServiceModule } from "@loginguard/http";
import { createLogger, type Logger } from "@loginguard/observability";
import { Hono } from "hono";
import { AccountActions } from "./account-actions";
import { LoginAnswers } from "./answers";
import type { AccountSecurityConfig } from "./env";
import { STAGE_NAME } from "./events";
import { mountAnswerRoutes } from "./http/answer-routes";
import { accountSecurityOpenApi } from "./http/openapi";
import { mountPlayerRoutes } from "./http/player-routes";
import { mountPrivacyRoutes } from "./http/privacy-routes";
import { mountStaffRoutes } from "./http/staff-routes";
import { AccountPrivacy } from "./privacy/account-privacy";
import { ErasureStore } from "./privacy/erasure-store";
import { accountSecurityErasureStage, auditStage, erasureConfirmationStage } from "./privacy/stages";
import { createLoginDecider, type LoginRecordedEvent } from "./stage/decide-logins";
import { registerDecisionSeries } from "./stage/decision-metrics";
import { OPERATOR_AUDIT_STAGE, operatorAuditStage } from "./stage/operator-audit";
import { AccountStore } from "./state/account-store";
import { AnswerStore } from "./state/answer-store";
import { AuditLog } from "./state/audit-log";
import { DecisionStore } from "./state/decision-store";
import { IpFlagStore } from "./state/ip-flag-store";
import { ACCOUNT_SECURITY_SCHEMA } from "./state/migrations";
import { Outbox } from "./state/outbox";
import { RecentLoginStore } from "./state/recent-logins";
import { DEFAULT_UNLOCK_POLICY, UnlockChallengeStore, type UnlockPolicy } from "./state/unlock-challenges";

/** How often queued outbox events are retried while the event log was down. */
const OUTBOX_RETRY_MS = 2_000;
/** How often old recent logins, decisions, expired flags and challenges are deleted. */
const PRUNE_EVERY_MS = 3_600_000;

export interface AccountSecurityServiceOptions {
  bus: Bus;
  db: Database;
  config: AccountSecurityConfig;
  logger?: Logger;
  /** The clock (tests inject one). */
  clock?: () => Date;
  /** Unlock limits; default 10-minute codes, 5 tries, 3 requests per 15 minutes. */
  unlockPolicy?: Partial<UnlockPolicy>;
  /**
   * The other services' shares of an account export (docs/ARCHITECTURE.md section 6); read at
   * each export, so the host may fill the array after creating the modules.
   */
  exportSources?: readonly AccountDataHolder[];
}

/** The module plus what tests and benchmarks reach for. */
export interface AccountSecurityService extends ServiceModule {
  /** The stage's batch handler, callable without a bus (tests, benchmarks). */
  readonly decideLogins: (events: LoginRecordedEvent[]) => Promise<unknown[]>;
  readonly actions: AccountActions;
  /** "Was this you?" answers, however they come. */
  readonly answers: LoginAnswers;
  readonly outbox: Outbox;
  readonly accounts: AccountStore;
  readonly exporter: AccountPrivacy;
  readonly erasures: ErasureStore;
  /** Applies the schema's migrations (start() does it too). */
  migrate(): Promise<void>;
}

/**
 * account-security (docs/ARCHITECTURE.md sections 2, 6, 7): the stage `login.recorded` ->
 * `security.decided` (+ `account.changed`, `ip.flagged`), the account state it owns in schema
 * `account_security`, and the player and staff routes that change it.
 */
export function createAccountSecurityService(options: AccountSecurityServiceOptions): AccountSecurityService {
  const { bus, db, config } = options;
  const logger = options.logger ?? createLogger("account-security");
  const clock = options.clock ?? (() => new Date());
  const unlockPolicy: UnlockPolicy = { ...DEFAULT_UNLOCK_POLICY, ...options.unlockPolicy };

  const cache = config.stateCache === "on" || (config.stateCache === "auto" && db.kind === "pglite");
  const accounts = new AccountStore(db, { cache, cacheSize: config.stateCacheSize });
  const decisions = new DecisionStore(db);
  const recentLogins = new RecentLoginStore(db);
  const ipFlags = new IpFlagStore(db);
  const audit = new AuditLog(db);
  const challenges = new UnlockChallengeStore(db, config.unlockCodePepper);
  const outbox = new Outbox(db, bus, logger);
  const actions = new AccountActions({
    db,
    accounts,
    audit,
    outbox,
    challenges,
    recentLogins,
    decisions,
    rules: config.rules,
    unlockPolicy,
    pepper: config.unlockCodePepper,
    clock,
  });
  const answers = new LoginAnswers({ actions, answers: new AnswerStore(db), clock });
  const erasures = new ErasureStore(db, config.erasureServices);
  const exporter = new AccountPrivacy({
    db,
    bus,
    accounts,
    audit,
    outbox,
    erasures,
    sources: options.exportSources ?? [],
    clock,
  });
  const decideLogins = createLoginDecider({
    db,
    accounts,
    decisions,
    recentLogins,
    ipFlags,
    rules: config.rules,
    clock,
  });
  // The fallback for a login the decider could not store: decided without keeping it for answers.
  const decideUnkept = createLoginDecider(
    { db, accounts, decisions, recentLogins, ipFlags, rules: config.rules, clock },
    { keepLogins: false },
  );

  const revocations = new StaffRevocations();
  let revocationReader: { stop(): Promise<void> } | undefined;
  const routes = new Hono();
  const authed = routes as unknown as Hono<{ Variables: AuthVariables }>;
  mountAnswerRoutes(authed, {
    answers,
    ingestApiKeys: config.ingestApiKeys,
    answerTokenSecret: config.answerTokenSecret,
    clock,
  });
  mountPlayerRoutes(authed, {
    actions,
    answers,
    playerTokenSecret: config.playerTokenSecret,
    unlockPolicy,
    travelMaxDays: config.travelMaxDays,
    clock,
  });
  mountStaffRoutes(authed, {
    actions,
    answers,
    audit,
    decisions,
    staffSessionSecret: config.staffSessionSecret,
    adminApiKeys: config.adminApiKeys,
    secureCookies: config.secureCookies,
    trustProxy: config.trustProxy,
    unlockPolicy,
    clock,
    revocations,
  });

  mountPrivacyRoutes(authed, {
    privacy: exporter,
    erasures,
    staffSessionSecret: config.staffSessionSecret,
    adminApiKeys: config.adminApiKeys,
    secureCookies: config.secureCookies,
    trustProxy: config.trustProxy,
    revocations,
  });

  let stage: RunningStage | undefined;
  let operatorAudit: RunningStage | undefined;
  let privacyStages: RunningStage[] = [];
  const timers: NodeJS.Timeout[] = [];
  let migrated = false;

  async function runMigrations(): Promise<void> {
    if (migrated) return;
    await migrate(db, ACCOUNT_SECURITY_SCHEMA, logger);
    migrated = true;
  }

  async function prune(): Promise<void> {
    const now = clock().getTime();
    try {
      await recentLogins.prune(new Date(now - config.recentLoginDays * 86_400_000));
      await decisions.prune(new Date(now - config.decisionRetentionDays * 86_400_000));
      await ipFlags.prune(new Date(now - 86_400_000));
      await challenges.prune(new Date(now - 86_400_000));
    } catch (err) {
      logger.warn({ err: (err as Error).message }, "pruning old rows failed; will try again");
    }
  }

  return {
    name: "account-security",
    routes,
    openapi: accountSecurityOpenApi,
    decideLogins,
    actions,
    answers,
    outbox,
    accounts,
    exporter,
    erasures,
    migrate: runMigrations,
    async start() {
      await runMigrations();
      registerDecisionSeries();
      logger.info(
        { stateCache: cache, rulesGames: Object.keys(config.rules.games).length },
        "account-security starting",
      );
      stage = await startStage(bus, {
        name: STAGE_NAME,
        input: TOPICS.loginRecorded,
        outputs: [TOPICS.securityDecided, TOPICS.accountChanged, TOPICS.ipFlagged],
        accepts: [EVENT_TYPES.loginRecorded],
        handleBatch: decideLogins,
        degrade: async (event: LoginRecordedEvent) => (await decideUnkept([event]))[0],
        maxInFlight: config.maxInFlight,
        logger,
      });
      operatorAudit = await startStage(
        bus,
        operatorAuditStage(db, logger.child({ stage: OPERATOR_AUDIT_STAGE })),
      );
      revocationReader = await startRevocationReader(bus, revocations, { service: "account-security" });
      privacyStages = [
        await startStage(bus, accountSecurityErasureStage(exporter, logger.child({ stage: "erasure" }))),
        await startStage(
          bus,
          erasureConfirmationStage(erasures, logger.child({ stage: "erasure-confirmations" })),
        ),
        await startStage(bus, auditStage(db, audit, logger.child({ stage: "audit" }))),
      ];
      await outbox.tryFlush();
      timers.push(setInterval(() => void outbox.tryFlush(), OUTBOX_RETRY_MS));
      timers.push(setInterval(() => void prune(), PRUNE_EVERY_MS));
      for (const t of timers) t.unref();
      void prune();
    },
    async stop() {
      for (const t of timers.splice(0)) clearInterval(t);
      await operatorAudit?.stop();
      for (const s of privacyStages.splice(0).reverse()) await s.stop();
      await revocationReader?.stop();
      revocationReader = undefined;
      await stage?.stop();
      stage = undefined;
      operatorAudit = undefined;
    },
  };
}
