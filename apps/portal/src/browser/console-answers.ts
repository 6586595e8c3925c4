import { ANSWER_STRINGS } from "../pages/answer-strings";
import type { AnswerItem } from "./answer-line";
import { el } from "./dom";
import { countryWord, fill, formatTime, lang } from "./format";

const s = ANSWER_STRINGS[lang];

/**
 * The console's list of the player's "was this you?" answers (docs/ARCHITECTURE.md section 7):
 * a "no" says the account was locked and every session kicked, so staff see it next to the lock.
 */
export function staffAnswers(answers: readonly AnswerItem[] | undefined): HTMLElement | null {
  if (!answers || answers.length === 0) return null;
  return el(
    "div",
    { class: "answers" },
    el("h3", {}, s.staffAnswersHeading),
    el(
      "ul",
      { attrs: { id: "staff-answers" } },
      ...answers.map((a) =>
        el(
          "li",
          { class: `answered answered-${a.answer}` },
          fill(a.answer === "yes" ? s.staffAnswerYes : s.staffAnswerNo, {
            time: formatTime(a.answeredAt, true),
            login: a.loginEventId,
            country: countryWord(a.country),
            via: s[`staffVia_${a.via}`],
          }),
        ),
      ),
    ),
  );
}
