import { expect } from "vitest";
import { at, eventually, type Login, type ProductApi, type Receivers } from "./product";

/**
 * The crash scenario of the e2e suites: accounts with two logins each (home, then a new country at
 * a plausible speed: one notification each), posted while a process is killed midway; then every
 * account must have exactly its two history lines and exactly one email.
 */
const KR = "175.223.10.4";
const JP = "126.0.0.1";
/** Accounts per crash scenario. */
export const ACCOUNTS = 40;

/** Two logins per account: home, then a new country at a plausible speed (one notification each). */
export function loginsOf(prefix: string): Login[][] {
  return Array.from({ length: ACCOUNTS }, (_, n) => [
    {
      eventId: `${prefix}-${n}-home`,
      accountId: `${prefix}-${n}`,
      occurredAt: at(0),
      ip: KR,
      result: "success" as const,
    },
    {
      eventId: `${prefix}-${n}-trip`,
      accountId: `${prefix}-${n}`,
      occurredAt: at(900),
      ip: JP,
      result: "success" as const,
    },
  ]);
}

/** Posts batches of logins, calling `midway` once a third of them are accepted. */
export async function postWithKill(
  api: ProductApi,
  batches: Login[][],
  midway: () => Promise<void>,
): Promise<void> {
  for (const [i, batch] of batches.entries()) {
    if (i === Math.floor(batches.length / 3)) await midway();
    const res = await eventually(`batch ${i} accepted`, async () => {
      const r = await api.postLogins(batch);
      return r.status === 202 ? r : undefined;
    });
    expect(res.body.accepted).toBe(batch.length);
  }
}

/** Every account has exactly its two lines and got exactly one email. */
export async function expectNothingLostOrDoubled(
  historyApi: ProductApi,
  receivers: Receivers,
  prefix: string,
) {
  for (let n = 0; n < ACCOUNTS; n++) {
    const account = `${prefix}-${n}`;
    const items = await eventually(
      `both lines of ${account}`,
      async () => {
        const res = await historyApi.history(account);
        return res.status === 200 && res.body.items.length >= 2 && res.body.items[0].action === "notify"
          ? res.body.items
          : undefined;
      },
      90_000,
    );
    expect(items.map((i: { eventId: string }) => i.eventId)).toEqual([`${account}-trip`, `${account}-home`]);
  }
  const address = (n: number) => `${prefix}-${n}@example.test`;
  // Every account's own email (the receivers may be shared with other scenarios).
  const mailsTo = (n: number) => receivers.smtp.received.filter((m) => m.envelopeTo.includes(address(n)));
  await eventually(
    "one email per account",
    async () => Array.from({ length: ACCOUNTS }, (_, n) => mailsTo(n).length).every((c) => c >= 1),
    60_000,
  );
  await new Promise((r) => setTimeout(r, 2000));
  for (let n = 0; n < ACCOUNTS; n++) {
    expect(
      receivers.smtp.received.filter((m) => m.envelopeTo.includes(address(n))),
      address(n),
    ).toHaveLength(1);
  }
}
