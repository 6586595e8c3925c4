import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mintPlayerToken, signAnswerToken } from "@loginguard/auth";
import type { Database } from "@loginguard/db";
import { openDatabase } from "@loginguard/db";
import { type AccountChanged, type SecurityDecided, TOPICS } from "@loginguard/events";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountSecurityService } from "../src/service";
import { plusMinutes, recordedEvent, recordedLogin } from "./fixtures";
import { RecordingBus } from "./recording-bus";
import {
  ANSWER_SECRET,
  asPlayer,
  INGEST_KEY,
  PLAYER_SECRET,
  staffSession,
  startTestService,
  TestClock,
} from "./service-fixture";

const T0 = "2026-03-01T12:00:00.000Z";

describe("'was this you?' answered in game and from a link (PGlite)", () => {
  let dir: string;
  let db: Database;
  let bus: RecordingBus;
  let clock: TestClock;
  let service: AccountSecurityService;
  let app: Hono;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "loginguard-answers-"));
    db = await openDatabase({ dataDir: dir });
    bus = new RecordingBus();
    clock = new TestClock(T0);
    ({ service, app } = await startTestService({ db, bus, clock }));
  });

  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A login from `country` after one from KR, decided by the stage. */
  async function loginFrom(
    accountId: string,
    country: string,
    minutes: number,
    result: "success" | "failure" = "success",
  ) {
    const login = recordedLogin({
      accountId,
      country,
      result,
      occurredAt: plusMinutes(T0, minutes),
      history: {
        previousSuccess: { eventId: `${accountId}-p`, country: "KR", occurredAt: T0 },
        countriesSeen: ["KR"],
      },
    });
    await service.decideLogins([recordedEvent(login)]);
    return login;
  }

  const game = (accountId: string, body: unknown, key = INGEST_KEY) =>
    app.request(`/v1/accounts/${encodeURIComponent(accountId)}/answers`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  it("in game: yes adds the country, is idempotent by login id, and the other answer is a conflict", async () => {
    const jp = await loginFrom("game-yes", "JP", 300);
    expect(
      (await game("game-yes", { loginEventId: jp.eventId, answer: "yes" }, "wrong-key-0123456789")).status,
    ).toBe(401);
    const first = await game("game-yes", { loginEventId: jp.eventId, answer: "yes" });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      loginEventId: jp.eventId,
      answer: "yes",
      via: "game",
      country: "JP",
      repeated: false,
      locked: false,
      knownCountries: ["JP"],
    });
    const again = await game("game-yes", { loginEventId: jp.eventId, answer: "yes" });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ repeated: true, knownCountries: ["JP"] });
    const other = await game("game-yes", { loginEventId: jp.eventId, answer: "no" });
    expect(other.status).toBe(409);
    expect((await other.json()).type).toMatch(/already-answered/);
    expect((await service.accounts.get("game-yes")).locked).toBe(false);
    // The next login from JP is nothing new.
    const next = await loginFrom("game-yes", "JP", 600);
    expect(
      bus
        .events(TOPICS.securityDecided)
        .some((e) => (e.data as SecurityDecided).loginEventId === next.eventId),
    ).toBe(false);
  });

  it("in game: bad input is a precise 4xx, another account's login is 404, a failed login is no question", async () => {
    const vn = await loginFrom("game-bad", "VN", 300);
    expect((await game("game-bad", { loginEventId: vn.eventId, answer: "maybe" })).status).toBe(400);
    expect((await game("game-bad", { answer: "yes" })).status).toBe(400);
    expect((await game("someone-else", { loginEventId: vn.eventId, answer: "no" })).status).toBe(404);
    const failed = await loginFrom("game-bad", "VN", 310, "failure");
    expect((await game("game-bad", { loginEventId: failed.eventId, answer: "no" })).status).toBe(404);
    expect((await service.accounts.get("someone-else")).locked).toBe(false);
  });

  it("from a link: view then one POST with the CSRF token; no locks and is shown to the player and staff", async () => {
    const br = await loginFrom("link-no", "BR", 24 * 60, "success");
    const token = signAnswerToken(
      { accountId: "link-no", loginEventId: br.eventId, expiresAt: clock.now().getTime() + 86_400_000 },
      ANSWER_SECRET,
    );
    const view = await post("/v1/answer-links/view", { token });
    expect(view.status).toBe(200);
    const viewed = (await view.json()) as { csrfToken: string; login: unknown; answered: unknown };
    expect(viewed).toMatchObject({
      accountId: "link-no",
      login: { eventId: br.eventId, country: "BR", occurredAt: br.occurredAt },
      answered: null,
    });
    // No CSRF token, or another link's: refused, nothing done.
    expect((await post("/v1/answer-links/answer", { token, answer: "no" })).status).toBe(403);
    expect(
      (await post("/v1/answer-links/answer", { token, answer: "no" }, { "x-csrf-token": "x" })).status,
    ).toBe(403);
    expect((await service.accounts.get("link-no")).locked).toBe(false);

    const res = await post(
      "/v1/answer-links/answer",
      { token, answer: "no" },
      { "x-csrf-token": viewed.csrfToken },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ answer: "no", via: "link", locked: true });
    const changed = bus
      .events(TOPICS.accountChanged)
      .filter((e) => e.subject === "link-no")
      .at(-1);
    expect((changed?.data as AccountChanged | undefined)?.reason).toBe("player_denied_login");

    // Used: the link now says it was answered, and cannot say the opposite.
    const after = (await (await post("/v1/answer-links/view", { token })).json()) as { answered: unknown };
    expect(after.answered).toMatchObject({ answer: "no", via: "link" });
    const flip = await post(
      "/v1/answer-links/answer",
      { token, answer: "yes" },
      { "x-csrf-token": viewed.csrfToken },
    );
    expect(flip.status).toBe(409);

    const player = await asPlayer(app, "link-no");
    const security = (await (await player.get("/v1/me/security")).json()) as { answers: unknown[] };
    expect(security.answers).toEqual([
      expect.objectContaining({ loginEventId: br.eventId, answer: "no", via: "link" }),
    ]);
    const staff = staffSession();
    const staffView = (await (
      await app.request("/v1/accounts/link-no/security", { headers: { cookie: staff.cookie } })
    ).json()) as { answers: unknown[]; state: { locked: boolean; reason: string } };
    expect(staffView.answers).toEqual([expect.objectContaining({ answer: "no", via: "link" })]);
    expect(staffView.state).toMatchObject({ locked: true, reason: "player_denied_login" });
  });

  it("a link opens nothing else: expired, tampered, player tokens and other secrets are refused", async () => {
    const kr = await loginFrom("link-bad", "US", 24 * 60);
    const claims = {
      accountId: "link-bad",
      loginEventId: kr.eventId,
      expiresAt: clock.now().getTime() + 60_000,
    };
    const expired = signAnswerToken({ ...claims, expiresAt: clock.now().getTime() - 1 }, ANSWER_SECRET);
    expect((await post("/v1/answer-links/view", { token: expired })).status).toBe(401);
    const foreign = signAnswerToken(claims, "another-secret-0123456789abcdef");
    expect((await post("/v1/answer-links/view", { token: foreign })).status).toBe(401);
    const playerToken = await mintPlayerToken("link-bad", PLAYER_SECRET);
    expect((await post("/v1/answer-links/view", { token: playerToken })).status).toBe(401);
    // And the link token is no player token.
    const link = signAnswerToken(claims, ANSWER_SECRET);
    const asBearer = await app.request("/v1/me/security", { headers: { authorization: `Bearer ${link}` } });
    expect(asBearer.status).toBe(401);
    expect((await post("/v1/answer-links/view", {})).status).toBe(400);
  });

  it("rate-limits one link", async () => {
    const kr = await loginFrom("link-rate", "US", 24 * 60);
    const token = signAnswerToken(
      { accountId: "link-rate", loginEventId: kr.eventId, expiresAt: clock.now().getTime() + 60_000 },
      ANSWER_SECRET,
    );
    const statuses: number[] = [];
    for (let i = 0; i < 32; i += 1) statuses.push((await post("/v1/answer-links/view", { token })).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
