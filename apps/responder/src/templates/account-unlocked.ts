import type { Lang } from "@loginguard/i18n";
import { formatTime, meLink } from "./format";
import { type EmailParts, htmlEmail, textEmail } from "./html";
import type { RenderedMessage, TemplateContext } from "./types";

type UnlockedBy = "staff" | "player" | "system";

interface UnlockedCopy {
  subject: string;
  body: Record<UnlockedBy, (when: string) => string>;
  notYou: string;
  history: string;
  sms: string;
  footer: string;
}

const COPY: Record<Lang, UnlockedCopy> = {
  en: {
    subject: "Your account is unlocked",
    body: {
      staff: (w) => `Our support team unlocked your account on ${w}.`,
      player: (w) => `Your account was unlocked with a one-time code on ${w}.`,
      system: (w) => `Your account was unlocked on ${w}.`,
    },
    notYou: "If you did not ask for this, contact support right away and change your password.",
    history: "Your sign-in history",
    sms: "Your account is unlocked. Not you? Contact support.",
    footer: "You get this message because this address receives the security notices of your game account.",
  },
  ko: {
    subject: "계정 잠금이 해제되었습니다",
    body: {
      staff: (w) => `고객센터에서 ${w}에 계정 잠금을 해제했습니다.`,
      player: (w) => `${w}에 일회용 코드로 계정 잠금이 해제되었습니다.`,
      system: (w) => `${w}에 계정 잠금이 해제되었습니다.`,
    },
    notYou: "요청하지 않았다면 바로 고객센터에 연락하고 비밀번호를 바꿔 주세요.",
    history: "로그인 기록 보기",
    sms: "계정 잠금이 해제되었습니다. 본인이 아니면 고객센터에 연락하세요.",
    footer: "게임 계정의 보안 알림 수신처로 등록된 주소라서 이 메시지를 받으셨습니다.",
  },
};

/** "Your account is unlocked", saying by whom. */
export function renderAccountUnlocked(
  params: { by: UnlockedBy; at: string },
  ctx: TemplateContext,
): RenderedMessage {
  const copy = COPY[ctx.lang];
  const body = copy.body[params.by](formatTime(params.at, ctx.lang));
  const parts: EmailParts = {
    lang: ctx.lang,
    brand: ctx.brand,
    heading: copy.subject,
    paragraphs: [body, copy.notYou],
    button: { label: copy.history, url: meLink(ctx.publicUrl) },
    footer: copy.footer,
  };
  return {
    lang: ctx.lang,
    subject: copy.subject,
    text: textEmail(parts),
    html: htmlEmail(parts),
    sms: `[${ctx.brand}] ${copy.sms}`,
    inGame: { title: copy.subject, text: `${body} ${copy.notYou}` },
  };
}
