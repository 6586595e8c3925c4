import type { Bus } from "@loginguard/bus";
import { DLQ_HEADERS } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import { type ActionCompleted, dlqTopicOf, TOPICS } from "@loginguard/events";
import type { ServiceModule } from "@loginguard/http";
import { silentLogger } from "@loginguard/observability";
import { freePort, startSmtpServer, type TestSmtpServer } from "@loginguard/testing/smtp";
import { startTwilioApi, type TwilioApi } from "@loginguard/testing/twilio";
import { startWebhookReceiver, type WebhookReceiver } from "@loginguard/testing/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BaseUrlRequestClient } from "../src/channels/twilio";
import { loadResponderConfig } from "../src/env";
import { createResponderService } from "../src/service";
import { createStore, type ResponderStore } from "../src/store";
import { type DatabaseFactory, pgliteFactory } from "./support/database";
import { decisionEvent, lockDecision, requestedEvent } from "./support/events";
import { publish, RESPONDER_TOPICS, type TopicWatch, waitUntil, watchTopic } from "./support/topics";

/** What a driver's test file gives the stage suite. */
export interface BusHarness {
  bus: Bus;
  /** Creates the topics (the Kafka test cluster has no CreateTopics API). */
  createTopics(names: string[]): Promise<void>;
  /** The database to share with the event log (embedded mode); default: PGlite of its own. */
  db?: Database;
  cleanup(): Promise<void>;
}

const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 9).toString("base64")}`;

/**
 * The responder as a running service on a real event log: decisions published to
 * `security.decided` become emails, SMS and signed webhooks, and `action.completed` records;
 * a provider that is down is retried by the stage runtime without skipping; what can never be
 * done is dead-lettered and the partition moves on.
 */
export function describeResponderStages(driver: string, makeHarness: () => Promise<BusHarness>): void {
  describe(`responder stages on ${driver}`, () => {
    let h: BusHarness;
    let made: DatabaseFactory | undefined;
    let db: Database;
    let store: ResponderStore;
    let smtpPort: number;
    let smtp: TestSmtpServer | undefined;
    let twilio: TwilioApi;
    let game: WebhookReceiver;
    let service: ServiceModule;
    let completed: TopicWatch;
    let deadLetters: TopicWatch;

    beforeAll(async () => {
      h = await makeHarness();
      await h.createTopics(RESPONDER_TOPICS);
      if (h.db) db = h.db;
      else {
        made = pgliteFactory();
        db = await made.open();
      }
      store = createStore(db);
      smtpPort = await freePort();
      smtp = await startSmtpServer(smtpPort);
      twilio = await startTwilioApi();
      game = await startWebhookReceiver(WEBHOOK_SECRET);
      const config = loadResponderConfig({
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        TWILIO_ACCOUNT_SID: `AC${"3".repeat(32)}`,
        TWILIO_AUTH_TOKEN: "0123456789abcdef0123456789abcdef",
        TWILIO_FROM: "+15005550006",
        GAME_WEBHOOK_URL: `${game.url}/hooks`,
        GAME_WEBHOOK_SECRET: WEBHOOK_SECRET,
        PUBLIC_URL: "https://play.example.com",
      });
      service = createResponderService({
        bus: h.bus,
        db,
        config,
        logger: silentLogger(),
        twilioHttpClient: new BaseUrlRequestClient(twilio.url),
        retry: { initialMs: 50, maxMs: 400 },
      });
      completed = await watchTopic(h.bus, TOPICS.actionCompleted);
      deadLetters = await watchTopic(h.bus, dlqTopicOf(TOPICS.securityDecided));
      await service.start();
    });

    afterAll(async () => {
      await service?.stop();
      await completed?.stop();
      await deadLetters?.stop();
      await Promise.all([smtp?.close(), twilio?.close(), game?.close()]);
      if (made) {
        await db?.close();
        await made.cleanup();
      }
      await h?.cleanup();
    });

    const completionOf = (decisionId: string) =>
      completed.events().filter((e) => (e.data as ActionCompleted).decisionId === decisionId);
    const mailsTo = (address: string) => smtp?.received.filter((m) => m.envelopeTo.includes(address)) ?? [];

    it("turns a published decision into webhooks, an email and action.completed", async () => {
      const accountId = "stage-acct-1";
      await store.contacts.update(accountId, { email: "stage1@example.com", language: "en" }, "test");
      const event = lockDecision({ accountId, sessionId: "sess-1" });
      await publish(h.bus, TOPICS.securityDecided, [event]);

      await completed.until(() => completionOf(event.id).length > 0, "action.completed");
      const [done] = completionOf(event.id);
      expect(done).toMatchObject({
        subject: accountId,
        correlationId: event.correlationId,
        source: "loginguard/responder",
      });
      expect((done!.data as ActionCompleted).results.map((r) => `${r.kind}:${r.outcome}`)).toEqual([
        "account.locked:delivered",
        "player.kick:delivered",
        "notification:delivered",
      ]);
      const [mail] = mailsTo("stage1@example.com");
      expect(mail?.mail.subject).toBe("Account locked: Suspicious sign-in from Brazil");
      expect(mail?.mail.text).toContain(`https://play.example.com/me?answer=${event.data.loginEventId}`);
      expect(
        game
          .accepted()
          .filter((w) => w.data.accountId === accountId)
          .map((w) => w.type),
      ).toEqual(["account.locked", "player.kick"]);
    });

    it("sends one email when the same decision is published twice", async () => {
      const accountId = "stage-acct-2";
      await store.contacts.update(accountId, { email: "stage2@example.com" }, "test");
      const event = decisionEvent({ accountId });
      await publish(h.bus, TOPICS.securityDecided, [event]);
      await publish(h.bus, TOPICS.securityDecided, [event]);
      const marker = decisionEvent({
        accountId,
        reasons: [lockDecision().data.reasons[0]!],
        action: "lock",
        actions: ["lock"],
      });
      await publish(h.bus, TOPICS.securityDecided, [marker]);
      await completed.until(() => completionOf(marker.id).length > 0, "the marker's action.completed");
      expect(mailsTo("stage2@example.com")).toHaveLength(1);
      for (const e of completionOf(event.id)) expect(e.id).toBe(completionOf(event.id)[0]?.id);
    });

    it("retries while the SMTP server is down and delivers when it is back, without SMS instead", async () => {
      const accountId = "stage-acct-3";
      await store.contacts.update(accountId, { email: "stage3@example.com", phone: "+821012340000" }, "test");
      await smtp?.close();
      smtp = undefined;
      const event = decisionEvent({ accountId });
      await publish(h.bus, TOPICS.securityDecided, [event]);
      // Several retries happen meanwhile; nothing is completed, dead-lettered or sent by SMS.
      await new Promise((r) => setTimeout(r, 1500));
      expect(completionOf(event.id)).toEqual([]);
      expect(deadLetters.records).toEqual([]);
      expect(twilio.messages().filter((m) => m.to === "+821012340000")).toEqual([]);

      smtp = await startSmtpServer(smtpPort);
      await completed.until(() => completionOf(event.id).length > 0, "action.completed after the outage");
      expect(mailsTo("stage3@example.com")).toHaveLength(1);
      expect(twilio.messages().filter((m) => m.to === "+821012340000")).toEqual([]);
    });

    it("dead-letters a decision nothing could be done for, and the account's next decision goes through", async () => {
      const accountId = "stage-acct-4";
      game.answer(400);
      const hopeless = lockDecision({ accountId });
      try {
        await publish(h.bus, TOPICS.securityDecided, [hopeless]);
        await deadLetters.until(() => deadLetters.records.length > 0, "a dead letter");
      } finally {
        game.answer(200);
      }
      const [dead] = deadLetters.records;
      expect(dead?.headers.ce_id).toBe(hopeless.id);
      expect(dead?.headers[DLQ_HEADERS.code]).toBe("delivery_failed");
      expect(dead?.headers[DLQ_HEADERS.error]).toMatch(/account\.locked: game webhook answered 400/);
      expect(completionOf(hopeless.id)).toEqual([]);

      const next = lockDecision({ accountId });
      await publish(h.bus, TOPICS.securityDecided, [next]);
      await completed.until(() => completionOf(next.id).length > 0, "the next decision's action.completed");
      expect((completionOf(next.id)[0]!.data as ActionCompleted).results[0]).toMatchObject({
        kind: "account.locked",
        outcome: "delivered",
      });
    });

    it("sends a requested unlock code", async () => {
      const accountId = "stage-acct-5";
      await store.contacts.update(accountId, { phone: "+821055550000", language: "ko" }, "test");
      await publish(h.bus, TOPICS.notificationRequested, [
        requestedEvent({ accountId, params: { code: "246810" } }),
      ]);
      await waitUntil(
        () => twilio.messages().some((m) => m.to === "+821055550000"),
        () => "the unlock code by SMS",
      );
      expect(twilio.messages().find((m) => m.to === "+821055550000")?.body).toContain("246810");
    });
  });
}
