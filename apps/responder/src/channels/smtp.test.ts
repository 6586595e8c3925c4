import { freePort, startSmtpServer, type TestSmtpServer } from "@loginguard/testing/smtp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smtpEmail } from "./smtp";
import type { EmailMessage } from "./types";

const message = (to: string): EmailMessage => ({
  key: "k-1",
  accountId: "acct-1",
  to,
  lang: "ko",
  subject: "브라질에서 새로운 로그인",
  text: "본문\nhttps://play.example.com/me?answer=e1\n",
  html: "<p>본문</p>",
});

describe("SMTP email (nodemailer to a loopback smtp-server)", () => {
  let server: TestSmtpServer;
  beforeAll(async () => {
    server = await startSmtpServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("delivers subject, text and HTML with a Message-ID derived from the key", async () => {
    const email = smtpEmail({
      url: `smtp://user:pass@127.0.0.1:${server.port}`,
      from: "Game <no-reply@game.example>",
    });
    try {
      const sent = await email.send(message("player@example.com"));
      expect(sent.providerId).toBe("<k-1@game.example>");
      const [got] = await server.waitFor(1);
      expect(got?.envelopeTo).toEqual(["player@example.com"]);
      expect(got?.mail.subject).toBe("브라질에서 새로운 로그인");
      expect(got?.mail.text).toContain("https://play.example.com/me?answer=e1");
      expect(got?.mail.html).toContain("<p>본문</p>");
      expect(got?.mail.messageId).toBe("<k-1@game.example>");
      expect(got?.mail.from?.value[0]).toMatchObject({ name: "Game", address: "no-reply@game.example" });
      expect(got?.mail.headers.get("auto-submitted")).toBe("auto-generated");
    } finally {
      await email.close();
    }
  });

  it("a mailbox the server refuses is a permanent failure", async () => {
    const email = smtpEmail({ url: server.url, from: "g <no-reply@game.example>" });
    try {
      await expect(email.send(message("reject-me@example.com"))).rejects.toMatchObject({
        retryable: false,
        code: "email_rejected",
      });
    } finally {
      await email.close();
    }
  });

  it("a server that is not there is retryable", async () => {
    const email = smtpEmail({
      url: `smtp://127.0.0.1:${await freePort()}`,
      from: "g <a@b.example>",
      timeoutMs: 2000,
    });
    try {
      await expect(email.send(message("player@example.com"))).rejects.toMatchObject({
        retryable: true,
        code: "email_unavailable",
      });
    } finally {
      await email.close();
    }
  });
});
