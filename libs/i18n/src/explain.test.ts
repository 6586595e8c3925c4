import { describe, expect, it } from "vitest";
import { countryName, flagEmoji } from "./countries";
import { explainDecision } from "./explain";
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
});
