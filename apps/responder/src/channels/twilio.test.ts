import { freePort } from "@loginguard/testing/smtp";
import { startTwilioApi, type TwilioApi } from "@loginguard/testing/twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BaseUrlRequestClient, twilioSms } from "./twilio";

const accountSid = `AC${"1".repeat(32)}`;
const authToken = "0123456789abcdef0123456789abcdef";

describe("Twilio SMS (the twilio SDK against a loopback Messages API)", () => {
  let api: TwilioApi;
  beforeAll(async () => {
    api = await startTwilioApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  const sms = (from = "+15005550006") =>
    twilioSms(
      { accountSid, authToken, from, apiBaseUrl: null },
      { httpClient: new BaseUrlRequestClient(api.url) },
    );
  const text = {
    key: "k",
    accountId: "a",
    to: "+821012345678",
    lang: "ko",
    body: "[Game] 잠금 해제 코드 482913",
  };

  it("posts To, From and Body with the account's Basic auth and answers the message sid", async () => {
    const sent = await sms().send(text);
    expect(sent.providerId).toMatch(/^SM\d{32}$/);
    const request = api.requests.at(-1)!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(api.messages().at(-1)).toMatchObject({
      to: "+821012345678",
      from: "+15005550006",
      body: text.body,
    });
    expect(api.messages().at(-1)?.auth).toBe(
      `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`,
    );
  });

  it("sends from a Messaging Service when TWILIO_FROM is one", async () => {
    const service = `MG${"2".repeat(32)}`;
    await sms(service).send(text);
    expect(api.messages().at(-1)).toMatchObject({ messagingServiceSid: service, from: null });
  });

  it("an invalid number (400) is permanent; 429, 5xx and bad credentials are retried", async () => {
    api.reply(() => ({
      status: 400,
      body: { code: 21211, message: "The 'To' number is not valid.", status: 400 },
    }));
    await expect(sms().send(text)).rejects.toMatchObject({ retryable: false, code: "sms_rejected" });
    for (const status of [429, 500, 503, 401]) {
      api.reply(() => ({ status, body: { code: 20000 + status, message: "nope", status } }));
      await expect(sms().send(text)).rejects.toMatchObject({ retryable: true, code: "sms_unavailable" });
    }
  });

  it("no server is retried", async () => {
    const down = twilioSms(
      { accountSid, authToken, from: "+15005550006", apiBaseUrl: `http://127.0.0.1:${await freePort()}` },
      {},
    );
    await expect(down.send(text)).rejects.toMatchObject({ retryable: true });
  });
});
