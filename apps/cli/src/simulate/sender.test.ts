import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { InstanceClient } from "./http-client";
import type { LoginBody, PlannedLogin } from "./plan";
import { sendLogins } from "./sender";

let server: Server | undefined;
afterEach(() => server?.close());

interface Instance {
  url: string;
  /** eventIds in the order their POST arrived (retries included). */
  arrived: string[];
  statusCalls: number;
}

/**
 * A stand-in login server endpoint on loopback: answers POST /v1/logins 202 after a random
 * delay (so lanes finish out of order), 429 to the first attempt of every tenth login, and the
 * status API with ipFlagged once it was asked three times.
 */
async function startInstance(): Promise<Instance> {
  const instance: Instance = { url: "", arrived: [], statusCalls: 0 };
  const refused = new Set<string>();
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c;
    });
    req.on("end", () => {
      if (req.url?.startsWith("/v1/accounts/")) {
        instance.statusCalls++;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ locked: false, ipFlagged: instance.statusCalls >= 3 }));
        return;
      }
      expect(req.headers.authorization).toBe("Bearer key-0123456789abcdef");
      const login = JSON.parse(body) as LoginBody;
      instance.arrived.push(login.eventId);
      const n = Number(login.eventId.split("-")[1]);
      if (n % 10 === 0 && !refused.has(login.eventId)) {
        refused.add(login.eventId);
        res.writeHead(429, { "retry-after": "0" }).end();
        return;
      }
      setTimeout(() => {
        res.writeHead(202, { "content-type": "application/json" });
        res.end(JSON.stringify({ accepted: 1, eventIds: [login.eventId] }));
      }, Math.random() * 8);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  instance.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return instance;
}

const planned = (n: number, accountId: string, awaitFlaggedIp?: string): PlannedLogin => ({
  scenario: "home",
  login: {
    eventId: `e-${n}`,
    accountId,
    occurredAt: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    ip: "175.223.224.43",
    result: "success",
    gameId: "g",
    serverId: "kr-1",
    deviceId: "d",
    userAgent: "ua",
  },
  ...(awaitFlaggedIp ? { awaitFlaggedIp } : {}),
});

describe("sending the planned logins", () => {
  it("keeps each account's order across lanes, retries 429 with the same eventId, and keeps the rate", async () => {
    const instance = await startInstance();
    const client = new InstanceClient(instance.url, "key-0123456789abcdef", 8);
    const logins = Array.from({ length: 200 }, (_, n) => planned(n, `acc-${n % 7}`));
    const started = Date.now();
    const result = await sendLogins(logins, {
      client,
      rate: 400,
      concurrency: 4,
      deadline: Date.now() + 30_000,
    });
    client.close();

    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
    expect(result.accepted).toBe(200);
    expect(result.notAccepted).toEqual([]);
    expect(result.statusCodes.get(202)).toBe(200);
    expect(result.statusCodes.get(429)).toBe(20);
    expect(result.requests).toBe(220);
    expect(result.latencies).toHaveLength(220);
    const acceptedAt = new Map<string, number>();
    instance.arrived.forEach((id, i) => {
      acceptedAt.set(id, i);
    });
    for (let a = 0; a < 7; a++) {
      const order = logins
        .filter((l) => l.login.accountId === `acc-${a}`)
        .map((l) => acceptedAt.get(l.login.eventId)!);
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });

  it("waits for an address to be flagged before a login that depends on it", async () => {
    const instance = await startInstance();
    const client = new InstanceClient(instance.url, "key-0123456789abcdef");
    const result = await sendLogins([planned(1, "victim", "45.32.0.1")], {
      client,
      rate: 100,
      concurrency: 2,
      deadline: Date.now() + 30_000,
    });
    client.close();
    expect(instance.statusCalls).toBe(3);
    expect(result.flagWaits).toEqual([{ ip: "45.32.0.1", flagged: true, waitedMs: expect.any(Number) }]);
    expect(result.accepted).toBe(1);
  });

  it("gives up on what the instance refuses, and on everything after the deadline", async () => {
    const instance = await startInstance();
    const client = new InstanceClient(instance.url, "wrong");
    const result = await sendLogins([planned(1, "a"), planned(2, "b")], {
      client,
      rate: 100,
      concurrency: 1,
      deadline: Date.now() - 1,
    });
    client.close();
    expect(result.accepted).toBe(0);
    expect(result.notAccepted.map((l) => l.login.eventId)).toEqual(["e-1", "e-2"]);
    expect(instance.arrived).toEqual([]);
  });
});
