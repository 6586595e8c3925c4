import type { Lang } from "@loginguard/i18n";

/** The words of the "was this you?" link page and the "secure your account" page. */
export const answerEn = {
  answerPageTitle: "Was this you?",
  answerPageLede: "Your security notice asked about one sign-in. Tell us if it was you.",
  answerPageAccount: "Account",
  answerPageWhen: "When",
  answerPageWhere: "Where",
  answerPageLoading: "Looking up the sign-in…",
  answerPageYesHelp: "We will remember this country and stop asking about it.",
  answerPageNoHelp: "We will lock your account at once and end every game session on it.",
  answerPageYesDone: "Thank you. We will remember {country} as a place you sign in from.",
  answerPageNoDone:
    "We locked your account and ended every game session on it, so whoever it was is out. Our support team can see this too.",
  answerPageNoNext:
    "Next: sign in to your account page to unlock it with a one-time code, then change your password in the game.",
  answerPageAnswered: "This question was already answered: “{answer}” on {time}.",
  answerPageConflict: "This question was already answered the other way; the first answer stands.",
  answerPageInvalid:
    "This link is damaged or has expired. Open your account page from the game to see your sign-ins.",
  answerPageGone: "This sign-in can no longer be answered here. Open your account page from the game.",
  answerPageError: "Something went wrong. Try again in a moment.",
  answerPageMe: "Open your account page",
  answerWordYes: "yes, it was me",
  answerWordNo: "no, it wasn't me",
  historyAnswered: "Your answer: {answer} ({via}, {time})",
  via_link: "from the email or SMS link",
  via_game: "in the game",
  via_page: "on this page",
  staffAnswersHeading: "Answers to “was this you?”",
  staffAnswerYes: "{time}: the player confirmed the sign-in of {login} from {country} ({via}).",
  staffAnswerNo:
    "{time}: the player said the sign-in of {login} from {country} was NOT them ({via}): account locked, every session kicked.",
  staffVia_link: "email or SMS link",
  staffVia_game: "in game",
  staffVia_page: "player page",

  secureTitle: "Secure your account",
  secureLede: "We noticed several failed sign-in attempts on your account.",
  secureWhatHeading: "What happened",
  secureWhat:
    "Someone tried to sign in to your account with wrong passwords, many times in a short while. Failed attempts do not get anyone in, and we do not lock your account for them: anyone who knows your account name could otherwise lock you out.",
  secureDoHeading: "What to do",
  secureDo1: "If it was you and you forgot your password, reset it in the game.",
  secureDo2:
    "If it was not you, change your password in the game now, to one you use nowhere else. Attackers try passwords leaked from other sites.",
  secureDo3:
    "Check your recent sign-ins on your account page. If a successful sign-in was not you, say so there.",
  secureMe: "See your recent sign-ins",
};

export type AnswerStrings = { readonly [K in keyof typeof answerEn]: string };

export const answerKo: AnswerStrings = {
  answerPageTitle: "본인이 맞나요?",
  answerPageLede: "보안 알림에서 문의한 로그인이 본인이었는지 알려 주세요.",
  answerPageAccount: "계정",
  answerPageWhen: "시간",
  answerPageWhere: "위치",
  answerPageLoading: "로그인 정보를 찾는 중…",
  answerPageYesHelp: "이 국가를 기억하고 더는 묻지 않겠습니다.",
  answerPageNoHelp: "즉시 계정을 잠그고 이 계정의 모든 게임 접속을 종료합니다.",
  answerPageYesDone: "감사합니다. {country}을(를) 로그인하는 국가로 기억하겠습니다.",
  answerPageNoDone:
    "계정을 잠그고 이 계정의 모든 게임 접속을 종료했습니다. 로그인한 사람은 더 이상 접속할 수 없습니다. 고객 지원팀도 이 내용을 볼 수 있습니다.",
  answerPageNoNext:
    "다음 단계: 내 계정 페이지에 로그인해 일회용 코드로 잠금을 해제한 뒤 게임에서 비밀번호를 바꿔 주세요.",
  answerPageAnswered: "이미 답한 질문입니다: {time}에 “{answer}”(으)로 답했습니다.",
  answerPageConflict: "이미 다른 답으로 답한 질문입니다. 처음 답이 유지됩니다.",
  answerPageInvalid:
    "링크가 손상되었거나 만료되었습니다. 게임에서 내 계정 페이지를 열어 로그인 기록을 확인하세요.",
  answerPageGone: "이 로그인은 여기서 더 이상 답할 수 없습니다. 게임에서 내 계정 페이지를 열어 주세요.",
  answerPageError: "문제가 생겼습니다. 잠시 후 다시 시도해 주세요.",
  answerPageMe: "내 계정 페이지 열기",
  answerWordYes: "네, 제가 맞습니다",
  answerWordNo: "아니요, 제가 아닙니다",
  historyAnswered: "답변: {answer} ({via}, {time})",
  via_link: "이메일 또는 문자 링크에서",
  via_game: "게임에서",
  via_page: "이 페이지에서",
  staffAnswersHeading: "“본인이 맞나요?” 답변",
  staffAnswerYes: "{time}: 플레이어가 {country}에서의 로그인 {login}을(를) 본인이라고 확인했습니다 ({via}).",
  staffAnswerNo:
    "{time}: 플레이어가 {country}에서의 로그인 {login}은(는) 본인이 아니라고 답했습니다 ({via}). 계정을 잠그고 모든 접속을 종료했습니다.",
  staffVia_link: "이메일 또는 문자 링크",
  staffVia_game: "게임",
  staffVia_page: "플레이어 페이지",

  secureTitle: "계정 보호하기",
  secureLede: "계정에 로그인 실패가 여러 번 있었습니다.",
  secureWhatHeading: "무슨 일이 있었나요",
  secureWhat:
    "누군가 짧은 시간에 여러 번 틀린 비밀번호로 계정에 로그인하려고 했습니다. 실패한 시도로는 아무도 로그인할 수 없으며, 이 때문에 계정을 잠그지는 않습니다. 계정 이름만 알면 누구나 다른 사람의 계정을 잠글 수 있게 되기 때문입니다.",
  secureDoHeading: "무엇을 하면 되나요",
  secureDo1: "본인이 비밀번호를 잊어서 생긴 일이면 게임에서 비밀번호를 재설정하세요.",
  secureDo2:
    "본인이 아니면 지금 게임에서 다른 곳에서 쓰지 않는 비밀번호로 바꿔 주세요. 공격자는 다른 사이트에서 유출된 비밀번호를 시도합니다.",
  secureDo3:
    "내 계정 페이지에서 최근 로그인을 확인하세요. 성공한 로그인이 본인이 아니면 그곳에서 알려 주세요.",
  secureMe: "최근 로그인 보기",
};

export const ANSWER_STRINGS: Record<Lang, AnswerStrings> = { en: answerEn, ko: answerKo };
