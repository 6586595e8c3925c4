import { verifyAnswerToken } from "@loginguard/auth";
import type { Emit, StageContext } from "@loginguard/bus";
import type { Database } from "@loginguard/db";
import { ActionCompletedSchema, deriveEventId, EVENT_TYPES, TOPICS } from "@loginguard/events";
import { silentLogger } from "@loginguard/observability";
import { freePort, startSmtpServer, type TestSmtpServer } from "@loginguard/testing/smtp";
import { startTwilioApi, type TwilioApi } from "@loginguard/testing/twilio";
import { startWebhookReceiver, type WebhookReceiver } from "@loginguard/testing/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BaseUrlRequestClient } from "../src/channels/twilio";
import { loadResponderConfig } from "../src/env";
import type { ResponderDeps } from "../src/handlers/deps";
import { accountChangeStage, decisionStage, notificationStage } from "../src/handlers/stages";
import { createResponderDeps } from "../src/service";
import { createStore, migrateResponder, type ResponderStore } from "../src/store";
import type { DatabaseFactory } from "./support/database";
import { decisionEvent, lockDecision, requestedEvent, unlockedEvent } from "./support/events";

const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 42).toString("base64")}`;
const ctx: StageContext = { stage: "test", logger: silentLogger(), signal: new AbortController().signal };
const settings = { maxInFlight: 8 };

let accountCounter = 0;
/** A fresh account per test, so webhooks and emails of other tests do not count. */
const newAccount = () => `acct-${Date.now().toString(36)}-${++accountCounter}`;

/**
 * The responder's handlers end to end on real components: a database, an SMTP server, the twilio
 * SDK against a loopback Messages API, and a game server that verifies webhook signatures.
 */
export function describeResponder(
  name: string,
  factory: () => Promise<DatabaseFactory> | DatabaseFactory,
): void {
  describe(name, () => {
    let made: DatabaseFactory;
    let db: Database;
    let store: ResponderStore;
    let smtp: TestSmtpServer;
    let twilio: TwilioApi;
    let game: WebhookReceiver;
    let deps: ResponderDeps;
    const closers: Array<() => Promise<void>> = [];

    function depsWith(env: Record<string, string | undefined>): ResponderDeps {
      const config = loadResponderConfig({
        SMTP_URL: smtp.url,
        SMTP_FROM: "Game Security <security@game.example>",
        TWILIO_ACCOUNT_SID: `AC${"1".repeat(32)}`,
        TWILIO_AUTH_TOKEN: "0123456789abcdef0123456789abcdef",
        TWILIO_FROM: "+15005550006",
        GAME_WEBHOOK_URL: `${game.url}/hooks`,
        GAME_WEBHOOK_SECRET: WEBHOOK_SECRET,
        PUBLIC_URL: "https://play.example.com",
        BRAND_NAME: "Game",
        ...env,
      });
      const built = createResponderDeps({
        config,
        store,
        logger: silentLogger(),
        twilioHttpClient: new BaseUrlRequestClient(twilio.url),
      });
      closers.push(() => built.email.close());
      return built;
    }

    beforeAll(async () => {
      made = await factory();
      db = await made.open();
      await migrateResponder(db);
      store = createStore(db);
      smtp = await startSmtpServer();
      twilio = await startTwilioApi();
      game = await startWebhookReceiver(WEBHOOK_SECRET);
      deps = depsWith({});
    });

    afterAll(async () => {
      for (const close of closers) await close();
      await Promise.all([smtp?.close(), twilio?.close(), game?.close()]);
      await db?.close();
      await made?.cleanup();
    });

    const mailsTo = (address: string) => smtp.received.filter((m) => m.envelopeTo.includes(address));
    const hooksFor = (accountId: string) => game.accepted().filter((w) => w.data.accountId === accountId);
    const smsTo = (phone: string) => twilio.messages().filter((m) => m.to === phone);
    const results = (emit: unknown) => ActionCompletedSchema.parse((emit as Emit).event.data).results;

    it("carries out a lock: signed webhooks to the game, an email in the player's language, action.completed", async () => {
      const accountId = newAccount();
      const address = `${accountId}@example.com`;
      await store.contacts.update(accountId, { email: address, language: "ko" }, "test");
      const event = lockDecision({ accountId, sessionId: "sess-9", loginEventId: `login-${accountId}` });

      const emit = (await decisionStage(deps, settings).handle(event, ctx)) as Emit;

      expect(emit.topic).toBe(TOPICS.actionCompleted);
      expect(emit.event).toMatchObject({
        id: deriveEventId("responder", event.id, EVENT_TYPES.actionCompleted),
        type: EVENT_TYPES.actionCompleted,
        subject: accountId,
        correlationId: event.correlationId,
      });
      expect(ActionCompletedSchema.parse(emit.event.data)).toMatchObject({
        accountId,
        decisionId: event.id,
        loginEventId: `login-${accountId}`,
      });
      expect(results(emit).map((r) => [r.channel, r.kind, r.outcome])).toEqual([
        ["webhook", "account.locked", "delivered"],
        ["webhook", "player.kick", "delivered"],
        ["email", "notification", "delivered"],
      ]);

      const [mail] = mailsTo(address);
      expect(mail?.mail.subject).toBe("계정 잠김: 브라질에서 의심스러운 로그인");
      expect(mail?.mail.text).toContain(`https://play.example.com/me?answer=login-${accountId}`);
      expect(mail?.mail.html).toContain(`href="https://play.example.com/me?answer=login-${accountId}"`);
      expect(mail?.mail.headers.get("content-language")).toBe("ko");

      const hooks = hooksFor(accountId);
      expect(hooks.map((h) => h.type)).toEqual(["account.locked", "player.kick"]);
      expect(hooks[1]?.data).toMatchObject({
        scope: "account",
        sessionId: "sess-9",
        reasons: ["impossible_travel"],
        decisionId: event.id,
      });
      expect(game.forged()).toEqual([]);
    });

    it("a lock kicks every session of the account, even when the login named none", async () => {
      const accountId = newAccount();
      const event = lockDecision({ accountId, sessionId: undefined });
      delete (event.data as { sessionId?: string }).sessionId;
      const emit = await decisionStage(deps, settings).handle(event, ctx);
      expect(results(emit).map((r) => `${r.kind}:${r.outcome}`)).toContain("player.kick:delivered");
      const kick = hooksFor(accountId).find((h) => h.type === "player.kick");
      expect(kick?.data).toMatchObject({ accountId, scope: "account", sessionId: null });
    });

    it("links 'was this you?' to a signed token for that one login when a link secret is set", async () => {
      const secret = "answer-secret-for-tests-0123456789";
      const signed = depsWith({ ANSWER_TOKEN_SECRET: secret });
      const accountId = newAccount();
      const address = `${accountId}@example.com`;
      await store.contacts.update(accountId, { email: address }, "test");
      await decisionStage(signed, settings).handle(
        decisionEvent({ accountId, loginEventId: `login-${accountId}` }),
        ctx,
      );
      const text = mailsTo(address)[0]?.mail.text ?? "";
      const token = decodeURIComponent(/\/answer#t=(\S+)/.exec(text)?.[1] ?? "");
      expect(verifyAnswerToken(token, secret)).toMatchObject({
        accountId,
        loginEventId: `login-${accountId}`,
      });
      expect(verifyAnswerToken(token, "another-secret-0123456789abc")).toBeUndefined();
    });

    it("the same decision twice sends one email and one of each webhook, and reports the same", async () => {
      const accountId = newAccount();
      const address = `${accountId}@example.com`;
      await store.contacts.update(accountId, { email: address }, "test");
      const event = lockDecision({ accountId });
      const first = await decisionStage(deps, settings).handle(event, ctx);
      const second = await decisionStage(deps, settings).handle(event, ctx);
      expect(results(second)).toEqual(results(first));
      expect((second as Emit).event.id).toBe((first as Emit).event.id);
      expect(mailsTo(address)).toHaveLength(1);
      expect(hooksFor(accountId)).toHaveLength(2);
    });

    it("tells a player once per rule and hour, and still locks and kicks", async () => {
      const accountId = newAccount();
      const address = `${accountId}@example.com`;
      await store.contacts.update(accountId, { email: address }, "test");
      const at = new Date().toISOString();
      await decisionStage(deps, settings).handle(lockDecision({ accountId, occurredAt: at }), ctx);
      const again = await decisionStage(deps, settings).handle(
        lockDecision({ accountId, occurredAt: at }),
        ctx,
      );
      expect(results(again).map((r) => [r.kind, r.outcome])).toEqual([
        ["account.locked", "delivered"],
        ["player.kick", "delivered"],
        ["notification", "skipped"],
      ]);
      expect(results(again)[2]?.detail).toMatch(/deduplicated/);
      expect(mailsTo(address)).toHaveLength(1);
      expect(hooksFor(accountId).map((h) => h.type)).toEqual([
        "account.locked",
        "player.kick",
        "account.locked",
        "player.kick",
      ]);
      // Another rule in the same hour is news.
      await decisionStage(deps, settings).handle(decisionEvent({ accountId, occurredAt: at }), ctx);
      expect(mailsTo(address)).toHaveLength(2);
    });

    it("falls back to SMS when no email is on file, or the mailbox is refused", async () => {
      const phoneOnly = newAccount();
      await store.contacts.update(phoneOnly, { phone: "+821011112222" }, "test");
      const a = await decisionStage(deps, settings).handle(decisionEvent({ accountId: phoneOnly }), ctx);
      expect(results(a).map((r) => [r.channel, r.outcome, r.detail])).toEqual([
        ["email", "skipped", "no email address on file"],
        ["sms", "delivered", "queued"],
      ]);
      expect(results(a)[1]?.providerId).toMatch(/^SM/);
      const [text] = smsTo("+821011112222");
      expect(text?.from).toBe("+15005550006");
      expect(text?.body).toMatch(
        /^\[Game\] New sign-in from Brazil\. Not you\? https:\/\/play\.example\.com\/me\?answer=/,
      );

      const refused = newAccount();
      await store.contacts.update(
        refused,
        { email: `reject-${refused}@example.com`, phone: "+821033334444" },
        "test",
      );
      const b = await decisionStage(deps, settings).handle(decisionEvent({ accountId: refused }), ctx);
      expect(results(b).map((r) => [r.channel, r.outcome])).toEqual([
        ["email", "failed"],
        ["sms", "delivered"],
      ]);
      expect(results(b)[0]?.detail).toMatch(/550/);
      expect(smsTo("+821033334444")).toHaveLength(1);
    });

    it("falls back to an in-game message when nothing is on file", async () => {
      const accountId = newAccount();
      const emit = await decisionStage(deps, settings).handle(
        decisionEvent({ accountId, sessionId: "s-1" }),
        ctx,
      );
      expect(results(emit).map((r) => [r.channel, r.outcome])).toEqual([
        ["email", "skipped"],
        ["sms", "skipped"],
        ["in_game", "delivered"],
      ]);
      const [message] = hooksFor(accountId);
      expect(message?.type).toBe("player.message");
      expect(message?.data).toMatchObject({
        sessionId: "s-1",
        language: "en",
        title: "New sign-in from Brazil",
      });
    });

    it("retries while the SMTP server is down, without falling back to SMS, and delivers once it is up", async () => {
      const port = await freePort();
      const down = depsWith({ SMTP_URL: `smtp://127.0.0.1:${port}` });
      const accountId = newAccount();
      const address = `${accountId}@example.com`;
      await store.contacts.update(accountId, { email: address, phone: "+821055556666" }, "test");
      const event = lockDecision({ accountId });
      await expect(decisionStage(down, settings).handle(event, ctx)).rejects.toMatchObject({
        retryable: true,
      });
      // The webhooks were not held back by the mail server; the SMS was not sent instead.
      expect(hooksFor(accountId).map((h) => h.type)).toEqual(["account.locked", "player.kick"]);
      expect(smsTo("+821055556666")).toEqual([]);

      const late = await startSmtpServer(port);
      try {
        const emit = await decisionStage(down, settings).handle(event, ctx);
        expect(results(emit).map((r) => [r.kind, r.outcome])).toEqual([
          ["account.locked", "delivered"],
          ["player.kick", "delivered"],
          ["notification", "delivered"],
        ]);
        expect(late.received.filter((m) => m.envelopeTo.includes(address))).toHaveLength(1);
        expect(hooksFor(accountId)).toHaveLength(2);
      } finally {
        await late.close();
      }
    });

    it("retries a game server answering 500 until it recovers, with one webhook-id per message", async () => {
      const accountId = newAccount();
      const address = `${accountId}@example.com`;
      await store.contacts.update(accountId, { email: address }, "test");
      const event = lockDecision({ accountId });
      game.answer(500);
      try {
        for (let i = 0; i < 3; i++) {
          await expect(decisionStage(deps, settings).handle(event, ctx)).rejects.toMatchObject({
            retryable: true,
            code: "webhook_unavailable",
          });
        }
      } finally {
        game.answer(200);
      }
      const emit = await decisionStage(deps, settings).handle(event, ctx);
      expect(results(emit).every((r) => r.outcome === "delivered")).toBe(true);
      const attempts = game
        .attempts()
        .filter((r) => (JSON.parse(r.body) as { data: { accountId: string } }).data.accountId === accountId);
      const ids = new Set(attempts.map((r) => r.headers["webhook-id"]));
      expect(ids.size).toBe(2); // account.locked and player.kick, each tried 4 times under one id
      expect(attempts).toHaveLength(8);
      expect(hooksFor(accountId)).toHaveLength(2);
      // The email went out on the first try and was not sent again by the retries.
      expect(mailsTo(address)).toHaveLength(1);
    });

    it("records a webhook the game server rejects (400) as failed, and dead-letters when nothing could be done", async () => {
      const told = newAccount();
      await store.contacts.update(told, { email: `${told}@example.com` }, "test");
      game.answer(400);
      try {
        const partly = await decisionStage(deps, settings).handle(lockDecision({ accountId: told }), ctx);
        expect(results(partly).map((r) => [r.kind, r.outcome])).toEqual([
          ["account.locked", "failed"],
          ["player.kick", "failed"],
          ["notification", "delivered"],
        ]);
        expect(results(partly)[0]?.detail).toMatch(/400/);

        const unreachable = newAccount();
        await expect(
          decisionStage(deps, settings).handle(lockDecision({ accountId: unreachable }), ctx),
        ).rejects.toMatchObject({ retryable: false, code: "delivery_failed" });
        const recorded = await store.deliveries.forAccount(unreachable, 10);
        expect(recorded.map((r) => `${r.channel}/${r.kind}:${r.outcome}`).sort()).toEqual([
          "email/notification:skipped",
          "in_game/notification:failed",
          "sms/notification:skipped",
          "webhook/account.locked:failed",
          "webhook/player.kick:failed",
        ]);
      } finally {
        game.answer(200);
      }
    });

    it("does nothing for a shadow decision and skips replayed old decisions", async () => {
      const accountId = newAccount();
      await store.contacts.update(accountId, { email: `${accountId}@example.com` }, "test");
      const shadow = lockDecision({
        accountId,
        action: null,
        actions: [],
        reasons: [{ code: "new_country", action: "notify", mode: "shadow", evidence: { country: "BR" } }],
      });
      expect(await decisionStage(deps, settings).handle(shadow, ctx)).toBeUndefined();
      const thirtyHoursAgo = new Date(Date.now() - 30 * 3_600_000).toISOString();
      const replayed = { ...lockDecision({ accountId, occurredAt: thirtyHoursAgo }), time: thirtyHoursAgo };
      const emit = await decisionStage(deps, settings).handle(replayed, ctx);
      expect(results(emit).map((r) => r.outcome)).toEqual(["skipped", "skipped", "skipped"]);
      expect(results(emit)[0]?.detail).toMatch(/decided 30 hours ago/);
      expect(mailsTo(`${accountId}@example.com`)).toEqual([]);
      expect(hooksFor(accountId)).toEqual([]);
      // A player denying a days-old login today: the lock and kick are due now.
      const denied = lockDecision({
        accountId,
        occurredAt: thirtyHoursAgo,
        actions: ["lock", "kick"],
        reasons: [
          { code: "player_denied_login", action: "lock", mode: "enforce", evidence: { country: "BR" } },
        ],
      });
      const carried = await decisionStage(deps, settings).handle(denied, ctx);
      expect(results(carried).map((r) => `${r.kind}:${r.outcome}`)).toEqual([
        "account.locked:delivered",
        "player.kick:delivered",
      ]);
    });

    it("sends unlock codes by email or SMS, never in game, and not after they expired", async () => {
      const accountId = newAccount();
      const address = `${accountId}@example.com`;
      await store.contacts.update(
        accountId,
        { email: address, phone: "+821077778888", language: "ko" },
        "test",
      );
      await notificationStage(deps, settings).handle(
        requestedEvent({ accountId, params: { code: "482913" } }),
        ctx,
      );
      const [mail] = mailsTo(address);
      expect(mail?.mail.subject).toBe("계정 잠금 해제 코드");
      expect(mail?.mail.text).toContain("잠금 해제 코드는 482913 입니다. 10분 후에 만료됩니다.");

      await notificationStage(deps, settings).handle(
        requestedEvent({ accountId, channel: "sms", params: { code: "111222" } }),
        ctx,
      );
      expect(smsTo("+821077778888").map((m) => m.body)).toEqual([
        "[Game] 잠금 해제 코드 111222 (10분 내 입력). 누구에게도 알려 주지 마세요.",
      ]);

      const nobody = newAccount();
      const request = requestedEvent({ accountId: nobody, params: { code: "333444" } });
      await notificationStage(deps, settings).handle(request, ctx);
      expect(hooksFor(nobody)).toEqual([]);
      expect(
        (await store.deliveries.forSource(request.id)).map((r) => `${r.channel}:${r.outcome}`).sort(),
      ).toEqual(["email:skipped", "sms:skipped"]);

      const expired = requestedEvent({
        accountId,
        params: { code: "999000" },
        requestedAt: new Date(Date.now() - 11 * 60_000).toISOString(),
      });
      await notificationStage(deps, settings).handle(expired, ctx);
      expect(mailsTo(address)).toHaveLength(1);
      expect((await store.deliveries.forSource(expired.id))[0]).toMatchObject({
        outcome: "skipped",
        detail: "expired before it could be sent",
      });
    });

    it("tells the game server about unlocks, without staff ids or reasons", async () => {
      const accountId = newAccount();
      const event = unlockedEvent({ accountId });
      await accountChangeStage(deps, settings).handle(event, ctx);
      await accountChangeStage(deps, settings).handle(event, ctx);
      await accountChangeStage(deps, settings).handle(
        unlockedEvent({ accountId, change: "settings_changed" }),
        ctx,
      );
      const hooks = hooksFor(accountId);
      expect(hooks).toHaveLength(1);
      expect(hooks[0]).toMatchObject({ type: "account.unlocked", data: { accountId, by: "staff" } });
      expect(JSON.stringify(hooks[0])).not.toContain("staff-7");
      expect(JSON.stringify(hooks[0])).not.toContain("verified the player");
    });

    it("never acts on an account change older than one it saw (redelivery, replay, outbox)", async () => {
      const accountId = newAccount();
      const oldUnlock = unlockedEvent({ accountId, version: 3 });
      const lock = unlockedEvent({
        accountId,
        version: 4,
        change: "locked",
        state: {
          ...oldUnlock.data.state,
          locked: true,
          lockedAt: oldUnlock.data.at,
          reason: "impossible_travel",
        },
      });
      await accountChangeStage(deps, settings).handle(lock, ctx);
      // The older unlock arrives late: game servers must not be told "unlocked" after the lock.
      await accountChangeStage(deps, settings).handle(oldUnlock, ctx);
      expect(hooksFor(accountId)).toHaveLength(0);
      expect(await store.accountVersions.get(accountId)).toBe(4);
      const newUnlock = unlockedEvent({ accountId, version: 5 });
      await accountChangeStage(deps, settings).handle(newUnlock, ctx);
      await accountChangeStage(deps, settings).handle(newUnlock, ctx);
      expect(hooksFor(accountId)).toHaveLength(1);
    });

    it("keeps messages in the outbox when no SMTP server or Twilio is configured", async () => {
      const local = depsWith({
        SMTP_URL: undefined,
        TWILIO_ACCOUNT_SID: undefined,
        TWILIO_AUTH_TOKEN: undefined,
        TWILIO_FROM: undefined,
      });
      const withEmail = newAccount();
      await store.contacts.update(withEmail, { email: `${withEmail}@example.com` }, "test");
      const emit = await decisionStage(local, settings).handle(decisionEvent({ accountId: withEmail }), ctx);
      expect(results(emit)[0]).toMatchObject({ channel: "email", outcome: "delivered" });
      expect(results(emit)[0]?.providerId).toMatch(/^outbox:/);
      const withPhone = newAccount();
      await store.contacts.update(withPhone, { phone: "+821099990000" }, "test");
      await notificationStage(local, settings).handle(requestedEvent({ accountId: withPhone }), ctx);

      const [mail] = await store.outbox.list({ accountId: withEmail, limit: 5 });
      expect(mail).toMatchObject({
        channel: "email",
        recipient: `${withEmail}@example.com`,
        subject: "New sign-in from Brazil",
      });
      expect(mail?.html).toContain("https://play.example.com/me?answer=");
      const [text] = await store.outbox.list({ accountId: withPhone, limit: 5 });
      expect(text).toMatchObject({ channel: "sms", recipient: "+821099990000" });
      expect(text?.text).toContain("482913");
      expect(mailsTo(`${withEmail}@example.com`)).toEqual([]);
      expect(smsTo("+821099990000")).toEqual([]);
    });
  });
}
