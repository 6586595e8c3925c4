import { RULE_CODES } from "@loginguard/events";
import { describe, expect, it } from "vitest";
import { decisionEvent, lockDecision, reasons, requestedEvent } from "../../test/support/events";
import { DECISION_COPY } from "./decision-copy";
import { expiryOf, renderDecision, renderRequested } from "./index";

const ctx = { brand: "Lost Ark", publicUrl: "https://play.example.com" } as const;

describe("decision notification", () => {
  it("says what happened, where and when, with a Was-this-you link, in English", () => {
    const event = decisionEvent({ loginEventId: "evt-42", occurredAt: "2026-11-22T02:50:00Z" });
    const m = renderDecision(event.data, { ...ctx, lang: "en" });
    expect(m.subject).toBe("New sign-in from Brazil");
    expect(m.text).toContain("A sign-in from Brazil, a country not seen on this account recently.");
    expect(m.text).toContain("When: 22 Nov 2026, 02:50 UTC");
    expect(m.text).toContain("Was this you?: https://play.example.com/me?answer=evt-42");
    expect(m.html).toContain('href="https://play.example.com/me?answer=evt-42"');
    expect(m.html).toContain('<html lang="en">');
    expect(m.sms).toBe(
      "[Lost Ark] New sign-in from Brazil. Not you? https://play.example.com/me?answer=evt-42",
    );
    expect(m.inGame?.text).toContain("Was this you?");
  });

  it("speaks Korean, with Korea time", () => {
    const event = lockDecision({ loginEventId: "evt-7", occurredAt: "2026-11-22T02:50:00Z" });
    const m = renderDecision(event.data, { ...ctx, lang: "ko" });
    expect(m.subject).toBe("계정 잠김: 브라질에서 의심스러운 로그인");
    expect(m.text).toContain(
      "계정을 잠갔습니다: 대한민국에서 로그인한 지 10분 만에 18,300km 떨어진 브라질에서 로그인했습니다.",
    );
    expect(m.text).toContain("2026년 11월 22일");
    expect(m.text).toContain("22일 11:50 (한국 시간)");
    expect(m.text).toContain("잠금이 해제됩니다");
    expect(m.html).toContain('<html lang="ko">');
    expect(m.sms).toContain("본인이 아니면: https://play.example.com/me?answer=evt-7");
  });

  it("has a subject for every rule in both languages", () => {
    for (const lang of ["en", "ko"] as const) {
      for (const code of RULE_CODES) {
        expect(DECISION_COPY[lang].subject[code]("X").length).toBeGreaterThan(5);
      }
    }
  });

  it("names the strongest enforced reason in the subject", () => {
    const event = decisionEvent({
      action: "block",
      actions: ["block", "notify"],
      reasons: [reasons.newCountry("RU"), reasons.notAllowed("RU")],
      country: "RU",
    });
    expect(renderDecision(event.data, { ...ctx, lang: "en" }).subject).toBe("Sign-in from Russia blocked");
  });

  it("escapes what the game server sent in HTML and encodes it in links", () => {
    const hostile = `"><script>alert(1)</script>&'`;
    const m = renderDecision(decisionEvent({ loginEventId: hostile }).data, { ...ctx, lang: "en" });
    expect(m.html).not.toContain("<script>");
    expect(m.html).toContain(`answer=${encodeURIComponent(hostile).replaceAll("'", "&#39;")}`);
    expect(m.text).toContain(`answer=${encodeURIComponent(hostile)}`);
    const brand = renderDecision(decisionEvent().data, { ...ctx, brand: "<b>Evil</b>", lang: "en" });
    expect(brand.html).toContain("&#60;b&#62;Evil&#60;/b&#62;");
  });

  it("links a signed token to the sessionless answer page, in the fragment", () => {
    const event = decisionEvent({ loginEventId: "evt-42" });
    const m = renderDecision(event.data, { ...ctx, lang: "en", answerToken: "a1.abc.def" });
    expect(m.text).toContain("Was this you?: https://play.example.com/answer#t=a1.abc.def");
    expect(m.html).toContain('href="https://play.example.com/answer#t=a1.abc.def"');
    expect(m.sms).toBe(
      "[Lost Ark] New sign-in from Brazil. Not you? https://play.example.com/answer#t=a1.abc.def",
    );
    expect(m.text).not.toContain("/me?answer=");
  });

  it("asks no yes/no question about failed sign-ins: the notice links to 'secure your account'", () => {
    const burst = decisionEvent({
      action: "notify",
      actions: ["notify"],
      reasons: [
        {
          code: "failure_burst",
          action: "notify",
          mode: "enforce",
          evidence: { failures: 12, windowMinutes: 15 },
        },
      ],
      country: null,
    });
    for (const lang of ["en", "ko"] as const) {
      const m = renderDecision(burst.data, { ...ctx, lang, answerToken: "a1.abc.def" });
      expect(m.text).toContain("https://play.example.com/secure-account");
      expect(m.html).toContain('href="https://play.example.com/secure-account"');
      expect(m.sms).toContain("https://play.example.com/secure-account");
      expect(m.inGame?.text).toContain("https://play.example.com/secure-account");
      for (const part of [m.text, m.html, m.sms, m.inGame?.text ?? ""]) {
        expect(part).not.toContain("answer");
      }
      expect(m.text).toContain(DECISION_COPY[lang].secureButton);
      expect(m.text).not.toContain(DECISION_COPY[lang].answerButton);
    }
  });

  it("keeps an English SMS within one segment plus the link", () => {
    const m = renderDecision(lockDecision().data, { ...ctx, lang: "en" });
    const withoutLink = m.sms.replace(/https:\S+/, "");
    expect(withoutLink.length).toBeLessThan(100);
  });
});

describe("requested notifications", () => {
  it("sends the unlock code with its lifetime and never in game", () => {
    const request = requestedEvent({
      params: { code: "482913", expiresAt: "2026-11-22T03:05:00Z" },
      requestedAt: "2026-11-22T03:00:00Z",
    }).data;
    const en = renderRequested(request, { ...ctx, lang: "en" });
    expect(en.text).toContain("Your unlock code is 482913. It expires in 5 minutes.");
    expect(en.sms).toBe("[Lost Ark] unlock code 482913 (expires in 5 min). Never share it.");
    expect(en.inGame).toBeUndefined();
    const ko = renderRequested(request, { ...ctx, lang: "ko" });
    expect(ko.text).toContain("잠금 해제 코드는 482913 입니다. 5분 후에 만료됩니다.");
    expect(expiryOf(request)?.toISOString()).toBe("2026-11-22T03:05:00.000Z");
  });

  it("gives codes ten minutes when the request does not say, and rejects a request without a code", () => {
    const request = requestedEvent({ params: { code: "123456" }, requestedAt: "2026-11-22T03:00:00Z" }).data;
    expect(expiryOf(request)?.toISOString()).toBe("2026-11-22T03:10:00.000Z");
    expect(() => renderRequested({ ...request, params: {} }, { ...ctx, lang: "en" })).toThrow(
      expect.objectContaining({ retryable: false, code: "invalid_notification" }),
    );
  });

  it("tells who unlocked the account, and confirms a lock the player asked for", () => {
    const unlocked = requestedEvent({
      template: "account_unlocked",
      params: { by: "staff", at: "2026-11-22T03:00:00Z" },
    }).data;
    expect(renderRequested(unlocked, { ...ctx, lang: "en" }).text).toContain(
      "Our support team unlocked your account on 22 Nov 2026, 03:00 UTC.",
    );
    expect(renderRequested(unlocked, { ...ctx, lang: "ko" }).subject).toBe("계정 잠금이 해제되었습니다");
    const locked = requestedEvent({ template: "account_locked_by_player", params: {} }).data;
    const m = renderRequested(locked, { ...ctx, lang: "en" });
    expect(m.subject).toBe("Your account is locked, as you asked");
    expect(m.text).toContain("https://play.example.com/me");
    expect(expiryOf(locked)).toBeNull();
  });
});
