import type { BusRecord, OutgoingRecord } from "@loginguard/bus";
import { dlqTopicOf, EVENT_TYPES, TOPICS } from "@loginguard/events";
import { afterAll, describe, expect, it } from "vitest";
import { at, eventually, KEYS, useEmbeddedProduct } from "./product";

const KR = "175.223.10.4";
const BR = "177.67.80.1";

/** A JSON answer as the tests read it. */
// biome-ignore lint/suspicious/noExplicitAny: assertions walk arbitrary JSON answers
type Json = any;

/**
 * issue 9 point 6 on the embedded product: every bad input at ingest gets a precise 4xx naming
 * the field (never a 5xx, never a 2xx for what is not stored), free text is cleaned instead of
 * refused, and records written straight to the topics are dead-lettered with the reason while
 * the partition goes on.
 */
describe("bad input (embedded)", () => {
  const fixture = useEmbeddedProduct("bad-input");
  const tally = new Map<string, number>();
  afterAll(() => {
    console.log("bad-input answers:", Object.fromEntries(tally));
  });

  async function send(body: string, type = "application/json", key = KEYS.ingest) {
    const res = await fetch(`${fixture.product.url}/v1/logins`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": type },
      body,
    });
    const text = await res.text();
    tally.set(String(res.status), (tally.get(String(res.status)) ?? 0) + 1);
    expect(res.status, `${body.slice(0, 80)} -> ${text.slice(0, 200)}`).toBeLessThan(500);
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      body: (text ? JSON.parse(text) : null) as Json,
    };
  }
  const login = (over: Record<string, unknown> = {}) => ({
    accountId: "bad-input-base",
    occurredAt: at(0, Date.now() - 60_000),
    ip: KR,
    result: "success",
    ...over,
  });
  const fieldOf = (body: Json) => (body.errors as Array<{ path: string }>).map((e) => e.path);

  it("answers every malformed request with a precise 4xx problem", async () => {
    const cases: Array<[string, string, number]> = [
      ['{"accountId":"p1"', "application/json", 400],
      ["{nope}", "application/json", 400],
      ["", "application/json", 400],
      [JSON.stringify(login()), "text/plain", 415],
      [JSON.stringify(login()), "application/json; charset=iso-8859-1", 415],
      [JSON.stringify({ ...login(), pad: "x".repeat(1_100_000) }), "application/json", 413],
      ["[".repeat(200_000) + "]".repeat(200_000), "application/json", 400],
      [JSON.stringify({ events: [] }), "application/json", 400],
      ['"just a string"', "application/json", 400],
    ];
    for (const [body, type, status] of cases) {
      const res = await send(body, type);
      expect(res.status, body.slice(0, 40)).toBe(status);
      expect(res.type).toBe("application/problem+json");
    }
    expect(
      (await send(JSON.stringify(login()), "application/json", "lg_ingest_unknown_key_000000000000")).status,
    ).toBe(401);
  });

  it("names the field of every invalid login; nothing of a refused batch is stored", async () => {
    const now = Date.now();
    const refused: Array<[Record<string, unknown>, string]> = [
      [{ accountId: undefined }, "accountId"],
      [{ accountId: 7 }, "accountId"],
      [{ accountId: "p\u0000" }, "accountId"],
      [{ accountId: "p\r\nX-Injected: 1" }, "accountId"],
      [{ accountId: "p\ud800" }, "accountId"],
      [{ eventId: "e\u001b" }, "eventId"],
      [{ sessionId: "s\u0000" }, "sessionId"],
      [{ gameId: "g\n" }, "gameId"],
      [{ result: "ok" }, "result"],
      [{ ip: "" }, "ip"],
      [{ ip: "999.1.1.1" }, "ip"],
      [{ ip: "1.2.3.4:80" }, "ip"],
      [{ ip: "[::1]:443" }, "ip"],
      [{ ip: "fe80::1%eth0" }, "ip"],
      [{ occurredAt: new Date(now + 25 * 3600_000).toISOString() }, "occurredAt"],
      [{ occurredAt: new Date(now - 366 * 86_400_000).toISOString() }, "occurredAt"],
      [{ occurredAt: Math.floor(now / 1000) }, "occurredAt"],
      [{ occurredAt: now }, "occurredAt"],
      [{ occurredAt: "2026-13-01T00:00:00Z" }, "occurredAt"],
      [{ userAgent: 42 }, "userAgent"],
      [{ extra: true }, "extra"],
    ];
    const accounts: string[] = [];
    for (const [over, field] of refused) {
      const account = `bad-refused-${field}-${Math.random().toString(36).slice(2, 7)}`;
      accounts.push(account);
      const res = await send(
        JSON.stringify({ events: [login({ accountId: account }), login({ accountId: account, ...over })] }),
      );
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(fieldOf(res.body), JSON.stringify(over)).toContain(field);
      expect(res.body.errors[0].index).toBe(1);
    }
    // Nothing of those batches reached the history (the first login of each was valid).
    await new Promise((r) => setTimeout(r, 1500));
    for (const account of accounts.slice(0, 5)) {
      const history = await fixture.product.api.history(account);
      expect(history.status).toBe(200);
      expect(history.body.items).toEqual([]);
    }
  });

  it("keeps free text cleaned and capped, and takes the IP spellings that are one address", async () => {
    const account = `bad-text-${Date.now().toString(36)}`;
    const res = await send(
      JSON.stringify({
        events: [
          login({
            accountId: account,
            ip: "::ffff:a00:1",
            userAgent: `<script>alert(1)</script>\r\n${"u".repeat(100_000)}`,
          }),
          login({
            accountId: account,
            ip: "64:ff9b::a00:1",
            occurredAt: at(1, Date.now() - 60_000),
            deviceId: "dev\u0000ice",
          }),
          login({
            accountId: account,
            ip: BR,
            occurredAt: at(2, Date.now() - 60_000),
            failureReason: "x",
            result: "failure",
          }),
        ],
      }),
    );
    expect(res.status).toBe(202);
    const items = await eventually("three lines", async () => {
      const h = await fixture.product.api.history(account);
      return h.body?.items?.length === 3 ? (h.body.items as Json[]) : undefined;
    });
    const text = JSON.stringify(items);
    expect(text).not.toMatch(/\\u0000|\\r|\\n/);
    expect(items.map((i) => i.device ?? null)).toContain("device");
    const metrics = await (await fetch(`${fixture.product.url}/metrics`)).text();
    expect(metrics).toMatch(
      /loginguard_text_cleaned_total\{[^}]*field="userAgent"[^}]*kind="truncated"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(
      /loginguard_text_cleaned_total\{[^}]*field="deviceId"[^}]*kind="control"[^}]*\} [1-9]/,
    );
  });

  it("dead-letters bad records written straight to every stage's topic with the reason, and the partition goes on", async () => {
    const account = `bad-topic-${Date.now().toString(36)}`;
    const headers = (type: string, id: string) => ({
      ce_specversion: "1.0",
      ce_id: id,
      ce_type: type,
      ce_source: "kcat",
      ce_time: new Date().toISOString(),
      "content-type": "application/json",
    });
    const topics: Array<[string, string]> = [
      [TOPICS.loginAttempted, EVENT_TYPES.loginAttempted],
      [TOPICS.loginLocated, EVENT_TYPES.loginLocated],
      [TOPICS.loginRecorded, EVENT_TYPES.loginRecorded],
      [TOPICS.securityDecided, EVENT_TYPES.securityDecided],
      [TOPICS.accountChanged, EVENT_TYPES.accountChanged],
      [TOPICS.actionCompleted, EVENT_TYPES.actionCompleted],
      [TOPICS.notificationRequested, EVENT_TYPES.notificationRequested],
    ];
    const bad: OutgoingRecord[] = [];
    for (const [topic, type] of topics) {
      const v9 = type.replace(/\.v1$/, ".v9");
      bad.push(
        {
          topic,
          key: account,
          value: Buffer.from('{"accountId":'),
          headers: headers(type, `${topic}-truncated`),
        },
        {
          topic,
          key: account,
          value: Buffer.from("{}"),
          headers: { ...headers(type, `${topic}-ctype`), "content-type": "text/plain" },
        },
        { topic, key: account, value: Buffer.from("{}"), headers: headers(v9, `${topic}-v9`) },
        {
          topic,
          key: account,
          value: Buffer.from(JSON.stringify({ accountId: 5 })),
          headers: headers(type, `${topic}-fields`),
        },
        {
          topic,
          key: account,
          value: Buffer.from(JSON.stringify({ accountId: "a\u0000" })),
          headers: headers(type, `${topic}-nul-id`),
        },
      );
    }
    await fixture.product.started.bus.publish(bad);
    // A good login of the same account (same partitions) after the bad records still gets locked.
    const res = await send(
      JSON.stringify({
        events: [
          login({ accountId: account, occurredAt: at(0, Date.now() - 60_000) }),
          login({ accountId: account, occurredAt: at(5, Date.now() - 60_000) }),
          login({
            accountId: account,
            ip: BR,
            occurredAt: at(15, Date.now() - 60_000),
            userAgent: "Evil\u0000Agent",
          }),
        ],
      }),
    );
    expect(res.status).toBe(202);
    await eventually(
      "locked after the bad records",
      async () => (await fixture.product.api.status(account)).body.locked === true,
    );

    const dead: BusRecord[] = [];
    const sub = await fixture.product.started.bus.subscribe({
      group: `bad-input-dlq-${Date.now()}`,
      topics: topics.map(([t]) => dlqTopicOf(t)),
      commit: false,
      handleBatch: async (b) => {
        dead.push(...b.records.filter((r) => r.key === account));
      },
    });
    try {
      // Each topic's consumers dead-letter each bad record (some topics have several consumers).
      await eventually(
        "a dead letter for every bad record",
        async () => bad.every((b) => dead.some((d) => d.headers.ce_id === b.headers.ce_id)),
        60_000,
      );
    } finally {
      await sub.stop();
    }
    for (const b of bad) {
      const letter = dead.find((d) => d.headers.ce_id === b.headers.ce_id)!;
      expect(letter.topic).toBe(dlqTopicOf(b.topic));
      expect(letter.headers.dlq_error, b.headers.ce_id).toBeTruthy();
      expect(letter.headers.dlq_source_topic).toBe(b.topic);
    }
    const codes = new Set(dead.map((d) => d.headers.dlq_error_code));
    expect([...codes]).toEqual(
      expect.arrayContaining(["invalid_envelope", "invalid_event", "invalid_json", "unsupported_event_type"]),
    );
    console.log(
      `bad-input: ${bad.length} bad records on ${topics.length} topics, ${dead.length} dead letters`,
    );
  });
});
