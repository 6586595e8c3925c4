import type { Reason, SecurityAction, SecurityDecided } from "@loginguard/events";
import { countryName, explainDecision } from "@loginguard/i18n";
import { DECISION_COPY } from "./decision-copy";
import { answerLink, formatTime, meLink, secureAccountLink } from "./format";
import { type EmailParts, htmlEmail, textEmail } from "./html";
import type { RenderedMessage, TemplateContext } from "./types";

const STRENGTH: Record<SecurityAction, number> = { notify: 0, kick: 1, block: 2, lock: 3 };

/** The reason a notification is about: the enforced reason with the strongest action. */
export function primaryReason(reasons: Reason[]): Reason {
  const enforced = reasons.filter((r) => r.mode === "enforce");
  const pool = enforced.length > 0 ? enforced : reasons;
  return pool.reduce((best, r) => (STRENGTH[r.action] > STRENGTH[best.action] ? r : best), pool[0]!);
}

/** Rules that fire on failed sign-ins only: their notices ask no question. */
const FAILURE_RULES: ReadonlySet<string> = new Set(["failure_burst"]);

/**
 * A notice about failed sign-ins (every enforced reason is a failure rule): nobody signed in, so
 * there is no "was this you?" to answer, only what to do.
 */
export function isFailureNotice(decision: SecurityDecided): boolean {
  const enforced = decision.reasons.filter((r) => r.mode === "enforce");
  const pool = enforced.length > 0 ? enforced : decision.reasons;
  return pool.length > 0 && pool.every((r) => FAILURE_RULES.has(r.code));
}

/** The notification of a decision: what happened, what was done, "Was this you?". */
export function renderDecision(decision: SecurityDecided, ctx: TemplateContext): RenderedMessage {
  const copy = DECISION_COPY[ctx.lang];
  const reason = primaryReason(decision.reasons);
  const country = countryName(decision.country ?? reason.evidence.country ?? null, ctx.lang);
  const locked = decision.actions.includes("lock");
  const subject =
    (locked && reason.code !== "player_denied_login" ? copy.lockedPrefix : "") +
    copy.subject[reason.code](country);
  // "We let you know: ..." says nothing; the action is worth naming only when something was done.
  const explanation = explainDecision(
    decision.action === "notify" ? null : decision.action,
    decision.reasons,
    ctx.lang,
  );
  // Failed sign-ins are no yes/no question: nobody signed in (docs/ARCHITECTURE.md section 7).
  const failureNotice = isFailureNotice(decision);
  const answer = failureNotice
    ? secureAccountLink(ctx.publicUrl)
    : answerLink(ctx.publicUrl, decision.loginEventId, ctx.answerToken);
  const parts: EmailParts = {
    lang: ctx.lang,
    brand: ctx.brand,
    heading: subject,
    paragraphs: locked ? [explanation, copy.lockedHelp(meLink(ctx.publicUrl))] : [explanation],
    facts: [
      [copy.when, formatTime(decision.occurredAt, ctx.lang)],
      [copy.where, country],
    ],
    button: { label: failureNotice ? copy.secureButton : copy.answerButton, url: answer },
    afterButton: failureNotice ? copy.secureHelp : copy.answerHelp,
    footer: copy.footer,
  };
  return {
    lang: ctx.lang,
    subject,
    text: textEmail(parts),
    html: htmlEmail(parts),
    sms: `[${ctx.brand}] ${subject}. ${failureNotice ? copy.smsSecure : copy.smsNotYou} ${answer}`,
    inGame: {
      title: subject,
      text: `${explanation} ${failureNotice ? copy.smsSecure : copy.inGameNotYou} ${answer}`,
    },
  };
}
