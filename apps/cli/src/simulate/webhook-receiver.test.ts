import { signWebhook } from "@loginguard/responder";
import { afterEach, describe, expect, it } from "vitest";
import { type GameServerReceiver, type ReceivedWebhook, startGameServerReceiver } from "./webhook-receiver";
import { newWebhookSecret } from "./webhook-signature";

const secret = newWebhookSecret();
let receiver: GameServerReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** Posts a webhook the way the responder does (signed with `key`). */
async function post(url: string, id: string, payload: unknown, key = secret, path = "") {
  const body = JSON.stringify(payload);
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(ts),
      "webhook-signature": signWebhook(key, id, ts, body),
    },
  });
  return res.status;
}

describe("the game server's webhook receiver", () => {
  it("keeps verified webhooks once per id, refuses forged ones and other paths", async () => {
    const seen: ReceivedWebhook[] = [];
    receiver = await startGameServerReceiver({ port: 0, secret, onWebhook: (w) => seen.push(w) });
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks$/);
    const kick = {
      type: "player.kick",
      timestamp: "2026-01-01T00:00:00Z",
      data: { accountId: "a-1", sessionId: "s-1" },
    };

    expect(await post(receiver.url, "msg_1", kick)).toBe(204);
    expect(await post(receiver.url, "msg_1", kick)).toBe(204);
    expect(await post(receiver.url, "msg_2", kick, newWebhookSecret())).toBe(401);
    expect(await post(receiver.url.replace("/webhooks", "/other"), "msg_3", kick)).toBe(404);

    expect(receiver.received().map((w) => [w.id, w.type, w.data.sessionId])).toEqual([
      ["msg_1", "player.kick", "s-1"],
    ]);
    expect(seen).toHaveLength(1);
    expect(receiver.repeats()).toBe(1);
    expect(receiver.signatureFailures()).toEqual(["no matching v1 signature"]);
  });

  it("says which port is taken", async () => {
    receiver = await startGameServerReceiver({ port: 0, secret });
    await expect(startGameServerReceiver({ port: receiver.port, secret })).rejects.toThrow(
      new RegExp(`cannot listen on 127.0.0.1:${receiver.port}`),
    );
  });
});
