import { mintPlayerToken } from "@loginguard/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  eventually,
  minutesAgo,
  type Product,
  postLogins,
  putContact,
  security,
  startProduct,
} from "./product";

/**
 * Security across the whole product, as the portal's pages use it: a player's token reaches only
 * that player's account, and unlock codes cannot be guessed.
 */
describe("the product's player boundaries and code guessing (embedded, in process)", () => {
  let product: Product;
  let tokenA: string;

  const asPlayer = (path: string, init: RequestInit = {}, token = tokenA) =>
    fetch(`${product.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    });

  beforeAll(async () => {
    product = await startProduct();
    tokenA = await mintPlayerToken("player-a", product.playerSecret, 900);
    await putContact(product, "player-a", { email: "a@example.com" });
    await putContact(product, "player-b", { email: "b@example.com", phone: "+821012345678" });
    await postLogins(product, [
      {
        eventId: "a-1",
        accountId: "player-a",
        occurredAt: minutesAgo(40),
        ip: "175.223.10.4",
        result: "success",
      },
      {
        eventId: "a-2",
        accountId: "player-a",
        occurredAt: minutesAgo(30),
        ip: "211.234.100.1",
        result: "success",
      },
      {
        eventId: "a-3",
        accountId: "player-a",
        occurredAt: minutesAgo(20),
        ip: "200.147.0.1",
        result: "success",
      },
      {
        eventId: "b-1",
        accountId: "player-b",
        occurredAt: minutesAgo(60 * 24),
        ip: "175.223.10.4",
        result: "success",
      },
      {
        eventId: "b-2",
        accountId: "player-b",
        occurredAt: minutesAgo(25),
        ip: "133.242.0.1",
        result: "success",
      },
    ]);
    await eventually("player-a locked", async () => (await security(product, "player-a")).state.locked);
    await eventually("player-b's lines recorded", async () => {
      const { items } = await call<{ items: unknown[] }>(product, "/v1/accounts/player-b/logins");
      return items.length === 2;
    });
  }, 180_000);

  afterAll(async () => {
    await product?.stop();
  });

  it("gives player A only A's history, whatever they ask for", async () => {
    const own = (await (await asPlayer("/v1/me/logins?limit=50")).json()) as {
      items: Array<{ eventId: string }>;
    };
    expect(own.items.map((i) => i.eventId).sort()).toEqual(["a-1", "a-2", "a-3"]);
    // Query parameters cannot name another account.
    const sneaky = (await (await asPlayer("/v1/me/logins?accountId=player-b")).json()) as {
      items: Array<{ eventId: string }>;
    };
    expect(sneaky.items.every((i) => i.eventId.startsWith("a-"))).toBe(true);
  });

  it("refuses A's token on every staff route about B", async () => {
    for (const path of [
      "/v1/accounts/player-b/logins",
      "/v1/accounts/player-b/security",
      "/v1/accounts/player-b/notifications",
      "/v1/accounts/player-b/contact",
      "/v1/audit?accountId=player-b",
      "/v1/outbox?accountId=player-b",
      "/v1/overview",
    ]) {
      const res = await asPlayer(path);
      expect(res.status, path).toBe(401);
      expect(await res.text(), path).not.toContain("b-2");
    }
    const unlock = await asPlayer("/v1/accounts/player-b/unlock", {
      method: "POST",
      body: JSON.stringify({ reason: "x" }),
    });
    expect(unlock.status).toBe(401);
  });

  it('answers 404 when A answers "was this you?" for B\'s sign-in', async () => {
    const res = await asPlayer("/v1/me/logins/b-2/answer", {
      method: "POST",
      body: JSON.stringify({ answer: "no" }),
    });
    expect(res.status).toBe(404);
    expect((await security(product, "player-b")).state.locked).toBe(false);
  });

  it("shows B's console page to nobody signed in as a player", async () => {
    const res = await fetch(`${product.url}/console/accounts/player-b`, {
      headers: { cookie: `lg_player=${tokenA}` },
    });
    expect(res.status).toBe(401);
    const page = await res.text();
    expect(page).toContain('id="sign-in-form"');
    expect(page).not.toContain('data-account-id="player-b"');
    const me = await (
      await fetch(`${product.url}/me`, { headers: { cookie: `lg_player=${tokenA}` } })
    ).text();
    expect(me).toContain("player-a");
    expect(me).not.toContain("player-b");
  });

  it("answers a code request the same whether or not the account has that channel", async () => {
    const email = await asPlayer("/v1/me/unlock/challenge", {
      method: "POST",
      body: JSON.stringify({ channel: "email" }),
    });
    const sms = await asPlayer("/v1/me/unlock/challenge", {
      method: "POST",
      body: JSON.stringify({ channel: "sms" }),
    });
    expect(email.status).toBe(202);
    expect(sms.status).toBe(202);
    const shape = (body: Record<string, unknown>) => Object.keys(body).sort();
    expect(shape((await sms.json()) as Record<string, unknown>)).toEqual(
      shape((await email.json()) as Record<string, unknown>),
    );
  });

  it("stops code guessing: 5 wrong codes spend the code, and code requests are rate limited", async () => {
    const fresh = await asPlayer("/v1/me/unlock/challenge", {
      method: "POST",
      body: JSON.stringify({ channel: "email" }),
    });
    // The third request in the window (two were made above): still allowed.
    expect(fresh.status).toBe(202);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await asPlayer("/v1/me/unlock/verify", {
        method: "POST",
        body: JSON.stringify({ code: String(100000 + i) }),
      });
      statuses.push(res.status);
    }
    // Five wrong codes, then the code is spent: a sixth guess is not even checked.
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    expect((await security(product, "player-a")).state.locked).toBe(true);
    // Asking for codes over and over is refused with a Retry-After.
    let limited: Response | undefined;
    for (let i = 0; i < 5 && !limited; i++) {
      const res = await asPlayer("/v1/me/unlock/challenge", { method: "POST", body: JSON.stringify({}) });
      if (res.status === 429) limited = res;
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
