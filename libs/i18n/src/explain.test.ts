import type { Reason } from "@loginguard/events";
import { describe, expect, it } from "vitest";
import { countryName, flagEmoji } from "./countries";
import { explainDecision, explainReason } from "./explain";
import { pickLanguage } from "./language";

describe("explanations", () => {
  const travel = {
    code: "impossible_travel" as const,
    action: "lock" as const,
    mode: "enforce" as const,
    evidence: { country: "BR", previousCountry: "KR", elapsedMinutes: 10, distanceKm: 18_300 },
  };

  it("says what was done and why, in English and Korean", () => {
    expect(explainDecision("lock", [travel], "en")).toBe(
      "We locked your account: a sign-in from Brazil came 10 minutes after one from South Korea, 18,300 km away.",
    );
    expect(explainDecision("lock", [travel], "ko")).toBe(
      "계정을 잠갔습니다: 대한민국에서 로그인한 지 10분 만에 18,300km 떨어진 브라질에서 로그인했습니다.",
    );
  });

  it("picks the language from Accept-Language unless chosen", () => {
    expect(pickLanguage("ko-KR,ko;q=0.9,en;q=0.8")).toBe("ko");
    expect(pickLanguage("fr-FR,en;q=0.5")).toBe("en");
    expect(pickLanguage("ko", "en")).toBe("en");
    expect(pickLanguage(undefined)).toBe("en");
  });

  it("names countries and flags", () => {
    expect(countryName("JP", "ko")).toBe("일본");
    expect(countryName(null, "en")).toBe("an unknown country");
    expect(flagEmoji("KR")).toBe("🇰🇷");
  });

  const reason = (code: Reason["code"], evidence: Reason["evidence"]): Reason => ({
    code,
    action: "notify",
    mode: "enforce",
    evidence,
  });

  // Every rule's wording, in both languages (docs/ARCHITECTURE.md section 7).
  it.each<[string, Reason, string, string]>([
    [
      "new_country",
      reason("new_country", { country: "JP", previousCountry: "KR" }),
      "A sign-in from Japan, a country not seen on this account recently.",
      "이 계정에서 최근 사용한 적 없는 국가(일본)에서 로그인했습니다.",
    ],
    [
      "impossible_travel",
      reason("impossible_travel", {
        country: "US",
        previousCountry: "KR",
        elapsedMinutes: 90,
        distanceKm: 11_000,
      }),
      "A sign-in from United States came 2 hours after one from South Korea, 11,000 km away.",
      "대한민국에서 로그인한 지 2시간 만에 11,000km 떨어진 미국에서 로그인했습니다.",
    ],
    [
      "country_not_allowed",
      reason("country_not_allowed", { country: "CN", allowedCountries: ["KR"] }),
      "A sign-in from China, which is not among the countries this account allows.",
      "이 계정이 허용하지 않은 국가(중국)에서 로그인했습니다.",
    ],
    [
      "takeover_suspected after failures on the account",
      reason("takeover_suspected", {
        country: "VN",
        failures: 8,
        windowMinutes: 15,
        ipFailedAccounts: 1,
        cause: "account_failures",
      }),
      "A successful sign-in from a new country, Vietnam, right after 8 failed attempts on this account.",
      "이 계정의 로그인 실패 8회 직후 새로운 국가(베트남)에서 로그인에 성공했습니다.",
    ],
    [
      "takeover_suspected from a credential-stuffing address (no failure on the account)",
      reason("takeover_suspected", {
        country: "BR",
        failures: 0,
        ipFailedAccounts: 50,
        cause: "ip_failures",
      }),
      "A successful sign-in from a new country, Brazil, from an address that failed to sign in to 50 different accounts.",
      "50개의 다른 계정에서 로그인에 실패한 IP 주소로 새로운 국가(브라질)에서 로그인에 성공했습니다.",
    ],
    [
      "takeover_suspected: a new country on a new device",
      reason("takeover_suspected", { country: "NG", failures: 0, ipFailedAccounts: 0, cause: "new_device" }),
      "A successful sign-in from a new country, Nigeria, on a device never used on this account.",
      "이 계정에서 사용한 적 없는 기기로 새로운 국가(나이지리아)에서 로그인에 성공했습니다.",
    ],
    [
      "takeover_suspected for both causes",
      reason("takeover_suspected", { country: "BR", failures: 6, ipFailedAccounts: 40, cause: "both" }),
      "A successful sign-in from a new country, Brazil, right after 6 failed attempts on this account, from an address that failed on 40 different accounts.",
      "이 계정의 로그인 실패 6회 직후, 40개의 다른 계정에서 로그인에 실패한 IP 주소로 새로운 국가(브라질)에서 로그인에 성공했습니다.",
    ],
    [
      "takeover_suspected recorded before evidence had a cause: never '0 failed attempts'",
      reason("takeover_suspected", { country: "US", failures: 0, ipFailedAccounts: 25 }),
      "A successful sign-in from a new country, United States, from an address that failed to sign in to 25 different accounts.",
      "25개의 다른 계정에서 로그인에 실패한 IP 주소로 새로운 국가(미국)에서 로그인에 성공했습니다.",
    ],
    [
      "failure_burst",
      reason("failure_burst", { failures: 12, windowMinutes: 15 }),
      "12 failed sign-in attempts in 15 minutes.",
      "15분 동안 로그인에 12회 실패했습니다.",
    ],
    [
      "credential_stuffing",
      reason("credential_stuffing", { ipFailedAccounts: 30, country: "KR" }),
      "The address of this sign-in failed on 30 different accounts.",
      "이 로그인의 IP 주소가 30개의 다른 계정에서 로그인에 실패했습니다.",
    ],
    [
      "player_denied_login",
      reason("player_denied_login", { country: "BR" }),
      "You told us this sign-in was not you.",
      "본인이 아닌 로그인이라고 알려 주셨습니다.",
    ],
  ])("%s, in English and Korean", (_name, r, en, ko) => {
    expect(explainReason(r, "en")).toBe(en);
    expect(explainReason(r, "ko")).toBe(ko);
    expect(explainReason(r, "en")).not.toMatch(/\b0 failed/);
  });
});
