import { permanentError } from "@loginguard/errors";
import type { NotificationRequested } from "@loginguard/events";
import { renderAccountLockedByPlayer } from "./account-locked-by-player";
import { renderAccountUnlocked } from "./account-unlocked";
import type { RenderedMessage, TemplateContext } from "./types";
import { renderUnlockCode } from "./unlock-code";

/** How long an unlock code lives when the request does not say (docs/ARCHITECTURE.md: 10 minutes). */
export const DEFAULT_CODE_TTL_MINUTES = 10;

/** When a requested message stops being worth sending (unlock codes expire); null: never. */
export function expiryOf(request: NotificationRequested): Date | null {
  if (request.template !== "unlock_code") return null;
  const given = request.params.expiresAt ? new Date(request.params.expiresAt) : undefined;
  if (given && !Number.isNaN(given.getTime())) return given;
  return new Date(new Date(request.requestedAt).getTime() + DEFAULT_CODE_TTL_MINUTES * 60_000);
}

/**
 * The message of a `notification.requested` event. Params a template needs and lacks are a
 * permanent error (the event is dead-lettered): `unlock_code` needs `code` (digits).
 */
export function renderRequested(request: NotificationRequested, ctx: TemplateContext): RenderedMessage {
  const p = request.params;
  switch (request.template) {
    case "unlock_code": {
      if (!p.code || !/^\d{4,10}$/.test(p.code)) {
        throw permanentError("unlock_code needs params.code (4-10 digits)", "invalid_notification");
      }
      const expiry = expiryOf(request)!;
      const minutes = Math.max(
        1,
        Math.round((expiry.getTime() - new Date(request.requestedAt).getTime()) / 60_000),
      );
      return renderUnlockCode({ code: p.code, expiresInMinutes: minutes }, ctx);
    }
    case "account_unlocked": {
      const by = p.by === "staff" || p.by === "player" ? p.by : "system";
      return renderAccountUnlocked({ by, at: p.at ?? request.requestedAt }, ctx);
    }
    case "account_locked_by_player":
      return renderAccountLockedByPlayer(ctx);
  }
}
