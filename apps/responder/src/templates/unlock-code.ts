import type { Lang } from "@loginguard/i18n";
import { type EmailParts, htmlEmail, textEmail } from "./html";
import type { RenderedMessage, TemplateContext } from "./types";

interface UnlockCodeCopy {
  subject: string;
  body: (code: string, minutes: number) => string;
  warning: string;
  sms: (code: string, minutes: number) => string;
  footer: string;
}

const COPY: Record<Lang, UnlockCodeCopy> = {
  en: {
    subject: "Your code to unlock your account",
    body: (code, m) => `Your unlock code is ${code}. It expires in ${m} minutes.`,
    warning:
      "Never share this code, not even with support. If you did not ask for it, ignore this message and change your password: someone may know it.",
    sms: (code, m) => `unlock code ${code} (expires in ${m} min). Never share it.`,
    footer: "You get this message because someone asked to unlock your game account.",
  },
  ko: {
    subject: "계정 잠금 해제 코드",
    body: (code, m) => `잠금 해제 코드는 ${code} 입니다. ${m}분 후에 만료됩니다.`,
    warning:
      "이 코드는 고객센터를 포함해 누구에게도 알려 주지 마세요. 요청하지 않았다면 이 메시지를 무시하고 비밀번호를 바꿔 주세요.",
    sms: (code, m) => `잠금 해제 코드 ${code} (${m}분 내 입력). 누구에게도 알려 주지 마세요.`,
    footer: "게임 계정의 잠금 해제가 요청되어 이 메시지를 받으셨습니다.",
  },
};

/** The one-time unlock code. Never rendered for in-game delivery: the session may be the intruder's. */
export function renderUnlockCode(
  params: { code: string; expiresInMinutes: number },
  ctx: TemplateContext,
): RenderedMessage {
  const copy = COPY[ctx.lang];
  const parts: EmailParts = {
    lang: ctx.lang,
    brand: ctx.brand,
    heading: copy.subject,
    paragraphs: [copy.body(params.code, params.expiresInMinutes), copy.warning],
    footer: copy.footer,
  };
  return {
    lang: ctx.lang,
    subject: copy.subject,
    text: textEmail(parts),
    html: htmlEmail(parts),
    sms: `[${ctx.brand}] ${copy.sms(params.code, params.expiresInMinutes)}`,
  };
}
