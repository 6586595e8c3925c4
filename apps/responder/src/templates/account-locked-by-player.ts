import type { Lang } from "@loginguard/i18n";
import { meLink } from "./format";
import { type EmailParts, htmlEmail, textEmail } from "./html";
import type { RenderedMessage, TemplateContext } from "./types";

interface LockedCopy {
  subject: string;
  body: string;
  unlock: (me: string) => string;
  button: string;
  sms: (me: string) => string;
  footer: string;
}

const COPY: Record<Lang, LockedCopy> = {
  en: {
    subject: "Your account is locked, as you asked",
    body: "You told us a sign-in was not you, so we locked your account and ended its sessions.",
    unlock: (me) => `When you are ready, unlock it at ${me} with a one-time code, then change your password.`,
    button: "Open your account page",
    sms: (me) => `Your account is locked, as you asked. Unlock it at ${me}`,
    footer: "You get this message because this address receives the security notices of your game account.",
  },
  ko: {
    subject: "요청하신 대로 계정을 잠갔습니다",
    body: "본인의 로그인이 아니라고 알려 주셔서 계정을 잠그고 접속을 종료했습니다.",
    unlock: (me) => `준비되면 ${me} 에서 일회용 코드로 잠금을 해제한 뒤 비밀번호를 바꿔 주세요.`,
    button: "내 계정 페이지 열기",
    sms: (me) => `요청하신 대로 계정을 잠갔습니다. 잠금 해제: ${me}`,
    footer: "게임 계정의 보안 알림 수신처로 등록된 주소라서 이 메시지를 받으셨습니다.",
  },
};

/** Confirms the lock a player asked for by answering "No, that was not me". */
export function renderAccountLockedByPlayer(ctx: TemplateContext): RenderedMessage {
  const copy = COPY[ctx.lang];
  const me = meLink(ctx.publicUrl);
  const parts: EmailParts = {
    lang: ctx.lang,
    brand: ctx.brand,
    heading: copy.subject,
    paragraphs: [copy.body, copy.unlock(me)],
    button: { label: copy.button, url: me },
    footer: copy.footer,
  };
  return {
    lang: ctx.lang,
    subject: copy.subject,
    text: textEmail(parts),
    html: htmlEmail(parts),
    sms: `[${ctx.brand}] ${copy.sms(me)}`,
    inGame: { title: copy.subject, text: `${copy.body} ${copy.unlock(me)}` },
  };
}
