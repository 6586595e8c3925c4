import { CHANNELS } from "@loginguard/events";
import { problems } from "@loginguard/http";
import { z } from "zod";
import { isKnownCountryCode } from "../geo/country-points";

const countryCode = z
  .string()
  .refine(isKnownCountryCode, { message: "expected an ISO 3166-1 alpha-2 country code such as KR" });

/** `PUT /v1/me/settings`. The whole settings: `travel` absent or null ends any allowance. */
export const SettingsBody = z
  .object({
    allowedCountries: z.array(countryCode).max(50),
    travel: z
      .object({ country: countryCode, until: z.iso.datetime({ offset: true }) })
      .nullable()
      .optional(),
  })
  .strict();

/** Checks the travel allowance's end against the clock: in the future, at most `maxDays` away. */
export function travelUntil(until: string, now: Date, maxDays: number): Date {
  const at = new Date(until);
  const fail = (message: string) => problems.validation([{ path: "travel.until", message }]);
  if (at.getTime() <= now.getTime()) throw fail("must be in the future");
  if (at.getTime() > now.getTime() + maxDays * 86_400_000) throw fail(`must be at most ${maxDays} days away`);
  return at;
}

/** `POST /v1/me/logins/{eventId}/answer`. */
export const AnswerBody = z.object({ answer: z.enum(["yes", "no"]) }).strict();

/** `POST /v1/me/unlock/challenge`; an empty body means the responder's fallback order. */
export const ChallengeBody = z.object({ channel: z.enum(CHANNELS).nullable().optional() }).strict();

/** `POST /v1/me/unlock/verify`. */
export const VerifyBody = z
  .object({ code: z.string().regex(/^\d{6}$/, "expected the 6-digit code") })
  .strict();

/** `POST /v1/accounts/{accountId}/unlock`. */
export const StaffUnlockBody = z
  .object({ reason: z.string().trim().min(1, "a reason is required").max(2000) })
  .strict();

/** `GET /v1/audit` query: filters by account, staff member (`actorId`) and action; `format=csv` exports. */
export const AuditQuery = z.object({
  accountId: z.string().min(1).max(128).optional(),
  actorId: z.string().min(1).max(256).optional(),
  action: z.string().min(1).max(64).optional(),
  format: z.enum(["json", "csv"]).default("json"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
});

/** Path parameter: an accountId as the events carry it. */
export const AccountIdParam = z.string().min(1).max(128);
