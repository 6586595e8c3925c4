import { StaffRevocations } from "@loginguard/auth";
import {
  auditPublisher,
  type Bus,
  type RetryPolicy,
  type RunningStage,
  startRevocationReader,
  startStage,
} from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import { describeError } from "@loginguard/errors";
import type { ServiceModule } from "@loginguard/http";
import { createLogger, type Logger } from "@loginguard/observability";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import { outboxEmail, outboxSms } from "./channels/outbox";
import { smtpEmail } from "./channels/smtp";
import { twilioSms } from "./channels/twilio";
import { gameWebhooks } from "./channels/webhook";
import type { ResponderConfig } from "./env";
import { registerNotificationSeries } from "./handlers/delivery-log";
import type { ResponderDeps } from "./handlers/deps";
import { accountChangeStage, decisionStage, notificationStage } from "./handlers/stages";
import { responderOpenApi } from "./openapi";
import { responderErasureStage, responderPrivacy } from "./privacy";
import { responderRoutes } from "./routes";
import { createStore, migrateResponder, type ResponderStore } from "./store";

const HOUR_MS = 3_600_000;
/** Notification slots are kept this many hours (dedupe needs only the current one). */
const SLOT_KEEP_HOURS = 48;

export interface ResponderServiceOptions {
  bus: Bus;
  db: Database;
  config: ResponderConfig;
  logger?: Logger;
  /** The twilio SDK's HTTP client (tests point it at a loopback server). */
  twilioHttpClient?: RequestClient;
  /** Backoff of the stages' retries; default the runtime's. */
  retry?: Partial<RetryPolicy>;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * The handlers' dependencies from the configuration: SMTP or the outbox for email, Twilio or the
 * outbox for SMS, signed webhooks when a game webhook URL is set.
 */
export function createResponderDeps(options: {
  config: ResponderConfig;
  store: ResponderStore;
  logger: Logger;
  twilioHttpClient?: RequestClient;
  now?: () => number;
}): ResponderDeps {
  const { config, store } = options;
  return {
    store,
    email: config.smtpUrl
      ? smtpEmail({ url: config.smtpUrl, from: config.smtpFrom })
      : outboxEmail(store.outbox),
    sms: config.twilio
      ? twilioSms(config.twilio, { httpClient: options.twilioHttpClient })
      : outboxSms(store.outbox),
    webhooks: config.webhook ? gameWebhooks(config.webhook) : null,
    brand: config.brandName,
    publicUrl: config.publicUrl,
    answerLinks: config.answerTokenSecret
      ? { secret: config.answerTokenSecret, ttlMs: config.answerLinkHours * 3_600_000 }
      : null,
    actionMaxAgeMs: config.actionMaxAgeHours * HOUR_MS,
    logger: options.logger,
    now: options.now,
  };
}

/**
 * The responder (docs/ARCHITECTURE.md sections 2, 6, 7): carries out decisions (game-server webhooks, email,
 * SMS, in-game messages with fallback), sends requested notifications, announces unlocks, and
 * serves the contact directory and the outbox. `start()` migrates the `responder` schema and
 * starts its three stages; `stop()` drains them.
 */
export function createResponderService(options: ResponderServiceOptions): ServiceModule {
  const { bus, db, config } = options;
  const logger = options.logger ?? createLogger("responder");
  const store = createStore(db);
  const deps = createResponderDeps({
    config,
    store,
    logger,
    twilioHttpClient: options.twilioHttpClient,
    now: options.now,
  });
  const { email, sms } = deps;

  if (!config.staffSessionSecret) {
    logger.warn("STAFF_SESSION_SECRET not set: staff routes accept ADMIN_API_KEYS only");
  }
  const revocations = new StaffRevocations();
  let revocationReader: { stop(): Promise<void> } | undefined;
  const routes = responderRoutes({
    revocations,
    audit: auditPublisher(bus, "responder"),
    store,
    ingestKeys: config.ingestKeys,
    adminKeys: config.adminKeys,
    staffSessionSecret: config.staffSessionSecret,
    secureCookies: config.production,
  });

  let stages: RunningStage[] = [];
  let pruner: NodeJS.Timeout | undefined;

  async function prune(): Promise<void> {
    const now = options.now?.() ?? Date.now();
    try {
      await store.slots.pruneBefore(Math.floor(now / HOUR_MS) - SLOT_KEEP_HOURS);
      await store.outbox.pruneBefore(new Date(now - config.outboxRetentionDays * 24 * HOUR_MS));
    } catch (err) {
      logger.warn({ err: describeError(err) }, "pruning old notification slots and outbox messages failed");
    }
  }

  return {
    name: "responder",
    routes,
    openapi: responderOpenApi,
    privacy: responderPrivacy(db),
    async start() {
      await migrateResponder(db, logger);
      registerNotificationSeries();
      revocationReader = await startRevocationReader(bus, revocations, { service: "responder" });
      await prune();
      pruner = setInterval(() => void prune(), HOUR_MS);
      pruner.unref();
      const settings = { maxInFlight: config.maxInFlight, retry: options.retry };
      try {
        stages.push(await startStage(bus, decisionStage(deps, settings)));
        stages.push(await startStage(bus, notificationStage(deps, settings)));
        stages.push(await startStage(bus, accountChangeStage(deps, settings)));
        stages.push(
          await startStage(bus, responderErasureStage(db, logger.child({ stage: "responder-erasure" }))),
        );
      } catch (err) {
        await Promise.allSettled(stages.map((s) => s.stop()));
        stages = [];
        throw err;
      }
      logger.info(
        {
          email: email.kind,
          sms: sms.kind,
          webhooks: config.webhook ? "on" : "off",
        },
        "responder started",
      );
    },
    async stop() {
      clearInterval(pruner);
      const running = stages.reverse();
      stages = [];
      await Promise.all(running.map((s) => s.stop()));
      await email.close();
      await revocationReader?.stop();
      revocationReader = undefined;
    },
  };
}
