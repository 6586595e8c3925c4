import type { Evidence, Reason, SecurityAction } from "@loginguard/events";
import { countryName } from "./countries";
import type { Lang } from "./language";

const num = (n: number | undefined, lang: Lang) =>
  new Intl.NumberFormat(lang === "ko" ? "ko-KR" : "en-US", { maximumFractionDigits: 0 }).format(n ?? 0);

function minutes(n: number | undefined, lang: Lang): string {
  const m = Math.round(n ?? 0);
  if (lang === "ko") return m < 60 ? `${m}분` : `${Math.round(m / 60)}시간`;
  if (m < 60) return m === 1 ? "1 minute" : `${m} minutes`;
  const h = Math.round(m / 60);
  return h === 1 ? "1 hour" : `${h} hours`;
}

/**
 * What made `takeover_suspected` fire. Decisions recorded before the evidence carried `cause`
 * are read from their counts: no failure on the account means the IP's failures elsewhere.
 */
function takeoverCause(e: Evidence): NonNullable<Evidence["cause"]> {
  if (e.cause) return e.cause;
  return (e.failures ?? 0) > 0 ? "account_failures" : "ip_failures";
}

/** `takeover_suspected` in words, naming its real cause. */
function takeoverText(e: Evidence, here: string, lang: Lang): string {
  const failures = num(e.failures, lang);
  const accounts = num(e.ipFailedAccounts, lang);
  const cause = takeoverCause(e);
  if (lang === "ko") {
    if (cause === "account_failures")
      return `이 계정의 로그인 실패 ${failures}회 직후 새로운 국가(${here})에서 로그인에 성공했습니다.`;
    if (cause === "ip_failures")
      return `${accounts}개의 다른 계정에서 로그인에 실패한 IP 주소로 새로운 국가(${here})에서 로그인에 성공했습니다.`;
    if (cause === "new_device")
      return `이 계정에서 사용한 적 없는 기기로 새로운 국가(${here})에서 로그인에 성공했습니다.`;
    return `이 계정의 로그인 실패 ${failures}회 직후, ${accounts}개의 다른 계정에서 로그인에 실패한 IP 주소로 새로운 국가(${here})에서 로그인에 성공했습니다.`;
  }
  const start = `A successful sign-in from a new country, ${here},`;
  if (cause === "account_failures")
    return `${start} right after ${failures} failed attempts on this account.`;
  if (cause === "ip_failures")
    return `${start} from an address that failed to sign in to ${accounts} different accounts.`;
  if (cause === "new_device") return `${start} on a device never used on this account.`;
  return `${start} right after ${failures} failed attempts on this account, from an address that failed on ${accounts} different accounts.`;
}

/** One reason in plain words, with its evidence. */
export function explainReason(reason: Reason, lang: Lang): string {
  const e = reason.evidence;
  const here = countryName(e.country, lang);
  const before = countryName(e.previousCountry, lang);
  if (lang === "ko") {
    switch (reason.code) {
      case "new_country":
        return `이 계정에서 최근 사용한 적 없는 국가(${here})에서 로그인했습니다.`;
      case "impossible_travel":
        return `${before}에서 로그인한 지 ${minutes(e.elapsedMinutes, lang)} 만에 ${num(e.distanceKm, lang)}km 떨어진 ${here}에서 로그인했습니다.`;
      case "country_not_allowed":
        return `이 계정이 허용하지 않은 국가(${here})에서 로그인했습니다.`;
      case "takeover_suspected":
        return takeoverText(e, here, lang);
      case "failure_burst":
        return `${minutes(e.windowMinutes, lang)} 동안 로그인에 ${num(e.failures, lang)}회 실패했습니다.`;
      case "credential_stuffing":
        return `이 로그인의 IP 주소가 ${num(e.ipFailedAccounts, lang)}개의 다른 계정에서 로그인에 실패했습니다.`;
      case "player_denied_login":
        return "본인이 아닌 로그인이라고 알려 주셨습니다.";
    }
  }
  switch (reason.code) {
    case "new_country":
      return `A sign-in from ${here}, a country not seen on this account recently.`;
    case "impossible_travel":
      return `A sign-in from ${here} came ${minutes(e.elapsedMinutes, lang)} after one from ${before}, ${num(e.distanceKm, lang)} km away.`;
    case "country_not_allowed":
      return `A sign-in from ${here}, which is not among the countries this account allows.`;
    case "takeover_suspected":
      return takeoverText(e, here, lang);
    case "failure_burst":
      return `${num(e.failures, lang)} failed sign-in attempts in ${minutes(e.windowMinutes, lang)}.`;
    case "credential_stuffing":
      return `The address of this sign-in failed on ${num(e.ipFailedAccounts, lang)} different accounts.`;
    case "player_denied_login":
      return "You told us this sign-in was not you.";
  }
}

const ACTION_WORDS: Record<Lang, Record<SecurityAction, string>> = {
  en: {
    notify: "We let you know",
    kick: "We ended that session",
    block: "We blocked sign-ins from that country",
    lock: "We locked your account",
  },
  ko: {
    notify: "알림을 보냈습니다",
    kick: "해당 세션을 종료했습니다",
    block: "해당 국가에서의 로그인을 차단했습니다",
    lock: "계정을 잠갔습니다",
  },
};

/** "We locked your account" / "계정을 잠갔습니다". */
export function actionLabel(action: SecurityAction, lang: Lang): string {
  return ACTION_WORDS[lang][action];
}

/**
 * A decision in words: "We locked your account: a sign-in from Brazil came 10 minutes after one
 * from South Korea, 18,000 km away." Shadow-mode reasons are left out (nothing was done).
 */
export function explainDecision(action: SecurityAction | null, reasons: Reason[], lang: Lang): string {
  const enforced = reasons.filter((r) => r.mode === "enforce");
  const text = (enforced.length > 0 ? enforced : reasons).map((r) => explainReason(r, lang)).join(" ");
  if (!action) return text;
  if (lang === "ko") return `${actionLabel(action, lang)}: ${text}`;
  return `${actionLabel(action, lang)}: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}
