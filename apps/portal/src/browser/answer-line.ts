import { ANSWER_STRINGS } from "../pages/answer-strings";
import { el } from "./dom";
import { fill, formatTime, lang } from "./format";

/** A recorded "was this you?" answer, as `/v1/me/security` and the staff view list them. */
export interface AnswerItem {
  loginEventId: string;
  answer: "yes" | "no";
  via: "link" | "game" | "page";
  country: string | null;
  answeredAt: string;
}

const s = ANSWER_STRINGS[lang];

/** "Your answer: no, it wasn't me (in the game, Dec 4, 2026, 6:00 PM)" under a history line. */
export function answerLine(a: AnswerItem): HTMLElement {
  return el(
    "p",
    { class: `answered answered-${a.answer}` },
    fill(s.historyAnswered, {
      answer: a.answer === "yes" ? s.answerWordYes : s.answerWordNo,
      via: s[`via_${a.via}`],
      time: formatTime(a.answeredAt, true),
    }),
  );
}
