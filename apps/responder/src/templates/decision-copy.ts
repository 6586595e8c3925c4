import type { RuleCode } from "@loginguard/events";
import type { Lang } from "@loginguard/i18n";

/** The words of a decision notification that do not come from @loginguard/i18n. */
export interface DecisionCopy {
  /** Subject per reason; `country` is the country's name in the reader's language. */
  subject: Record<RuleCode, (country: string) => string>;
  lockedPrefix: string;
  when: string;
  where: string;
  answerButton: string;
  answerHelp: string;
  /** Failed sign-ins are no yes/no question: the button opens "secure your account". */
  secureButton: string;
  secureHelp: string;
  smsSecure: string;
  lockedHelp: (meUrl: string) => string;
  smsNotYou: string;
  inGameNotYou: string;
  footer: string;
}

export const DECISION_COPY: Record<Lang, DecisionCopy> = {
  en: {
    subject: {
      new_country: (c) => `New sign-in from ${c}`,
      impossible_travel: (c) => `Suspicious sign-in from ${c}`,
      country_not_allowed: (c) => `Sign-in from ${c} blocked`,
      takeover_suspected: () => "Someone may have signed in to your account",
      failure_burst: () => "Failed sign-in attempts on your account",
      credential_stuffing: () => "Sign-in from an address used in attacks",
      player_denied_login: () => "Your account is locked, as you asked",
    },
    lockedPrefix: "Account locked: ",
    when: "When",
    where: "Where",
    answerButton: "Was this you?",
    answerHelp:
      "If it was you, we will remember this country. If it was not, we will lock your account and end its sessions.",
    lockedHelp: (me) =>
      `Your account is locked to keep it safe. To unlock it, open ${me} and confirm with a one-time code, then change your password.`,
    secureButton: "Secure your account",
    secureHelp:
      "Nobody got in with these attempts. If they were not yours, change your password in the game; the page explains what happened and what to do.",
    smsSecure: "Secure your account:",
    smsNotYou: "Not you?",
    inGameNotYou: "Was this you? Answer at",
    footer: "You get this message because this address receives the security notices of your game account.",
  },
  ko: {
    subject: {
      new_country: (c) => `${c}에서 새로운 로그인`,
      impossible_travel: (c) => `${c}에서 의심스러운 로그인`,
      country_not_allowed: (c) => `${c}에서의 로그인 차단`,
      takeover_suspected: () => "계정 도용이 의심되는 로그인",
      failure_burst: () => "계정에 로그인 실패가 반복되었습니다",
      credential_stuffing: () => "공격에 사용된 주소에서 로그인",
      player_denied_login: () => "요청하신 대로 계정을 잠갔습니다",
    },
    lockedPrefix: "계정 잠김: ",
    when: "시간",
    where: "위치",
    answerButton: "본인이 맞나요?",
    answerHelp: "본인이면 이 국가를 기억하고, 본인이 아니면 계정을 잠그고 접속을 종료합니다.",
    lockedHelp: (me) =>
      `계정을 보호하기 위해 잠갔습니다. ${me} 에서 일회용 코드로 인증하면 잠금이 해제됩니다. 그 후 비밀번호를 바꿔 주세요.`,
    secureButton: "계정 보호하기",
    secureHelp:
      "이 시도로 로그인된 사람은 없습니다. 본인의 시도가 아니면 게임에서 비밀번호를 바꿔 주세요. 무슨 일이 있었고 무엇을 하면 되는지 안내합니다.",
    smsSecure: "계정 보호하기:",
    smsNotYou: "본인이 아니면:",
    inGameNotYou: "본인이 맞는지 알려 주세요:",
    footer: "게임 계정의 보안 알림 수신처로 등록된 주소라서 이 메시지를 받으셨습니다.",
  },
};
