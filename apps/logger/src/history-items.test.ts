import type { Reason } from "@loginguard/events";
import { describe, expect, it } from "vitest";
import { playerItem, staffItem, strongestAction } from "./history-items";
import type { HistoryLine } from "./history-query";

const at = new Date("2026-03-01T12:00:00.000Z");

function line(decisions: Array<{ action: Reason["action"] | null; reasons: Reason[] }>): HistoryLine {
  return {
    login: {
      eventId: "e1",
      accountId: "a1",
      occurredAt: at,
      result: "success",
      failureReason: null,
      ip: "203.0.113.45",
      ipMasked: "203.0.113.x",
      ipClass: "public",
      country: "BR",
      deviceId: null,
      userAgent: "GameLauncher/3",
      gameId: "g1",
      serverId: "s1",
      sessionId: "secret-session",
      source: "eu",
      correlationId: "c1",
      history: {
        previousSuccess: null,
        countriesSeen: [],
        windowDays: 90,
        recentFailures: 0,
        failureWindowMinutes: 15,
        ipFailedAccounts: 0,
      },
      receivedAt: at,
      recordedAt: at,
    },
    decisions: decisions.map((d, i) => ({
      decisionId: `d${i}`,
      loginEventId: "e1",
      accountId: "a1",
      action: d.action,
      actions: d.action ? [d.action] : [],
      reasons: d.reasons,
      channels: ["email"],
      loginOccurredAt: at,
      decidedAt: at,
      recordedAt: at,
    })),
    results: [],
  };
}

const reason = (code: Reason["code"], action: Reason["action"], mode: Reason["mode"]): Reason => ({
  code,
  action,
  mode,
  evidence: { country: "BR" },
});

describe("history items", () => {
  it("ranks actions notify < kick < block < lock", () => {
    expect(strongestAction([null, "notify", "lock", "kick"])).toBe("lock");
    expect(strongestAction(["kick", "block"])).toBe("block");
    expect(strongestAction([null])).toBeNull();
  });

  it("shows players enforced reasons only, in their language", () => {
    const item = playerItem(
      line([
        {
          action: "notify",
          reasons: [
            reason("new_country", "notify", "enforce"),
            reason("credential_stuffing", "notify", "shadow"),
          ],
        },
      ]),
      "ko",
    );
    expect(item).toMatchObject({ action: "notify", reasons: ["new_country"], countryName: "브라질" });
    expect(item.explanation).toMatch(/^알림을 보냈습니다: /);
    expect(item.device).toBe("GameLauncher/3");
    expect(JSON.stringify(item)).not.toContain("secret-session");
    expect(JSON.stringify(item)).not.toContain("203.0.113.45");
  });

  it("gives staff every decision and whether a full IP is kept, never the IP itself", () => {
    const l = line([{ action: null, reasons: [reason("new_country", "notify", "shadow")] }]);
    const support = staffItem(l, "en");
    expect(support).not.toHaveProperty("ip");
    expect(support.ipRevealable).toBe(true);
    expect(JSON.stringify(support)).not.toContain("203.0.113.45");
    expect(support.action).toBeNull();
    expect(support.decisions[0]?.reasons[0]?.mode).toBe("shadow");
    expect(JSON.stringify(support)).not.toContain("secret-session");
  });
});
