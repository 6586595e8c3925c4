import { createHmac, timingSafeEqual } from "node:crypto";
import { type HttpRecorder, type RecordedRequest, type Reply, startHttpRecorder } from "./http-recorder";

/**
 * A Standard Webhooks verifier written from the spec, independent of the responder's signer:
 * the signed content is `${webhook-id}.${webhook-timestamp}.${body}`, the key the base64-decoded
 * part of `whsec_...`, the header a space-separated list of `v1,<base64 HMAC-SHA256>`; the
 * timestamp must be within `toleranceSeconds` of now.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  toleranceSeconds = 300,
): { ok: true } | { ok: false; why: string } {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (typeof id !== "string" || typeof timestamp !== "string" || typeof signatures !== "string") {
    return { ok: false, why: "missing headers" };
  }
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(Date.now() / 1000 - seconds) > toleranceSeconds) {
    return { ok: false, why: "timestamp outside tolerance" };
  }
  const key = Buffer.from(secret.split("_")[1] ?? "", "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  for (const entry of signatures.split(" ")) {
    const [version, value] = entry.split(",");
    if (version !== "v1" || !value) continue;
    const given = Buffer.from(value, "base64");
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, why: "no matching v1 signature" };
}

/** One webhook the receiver accepted (signature verified). */
export interface ReceivedWebhook {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export interface WebhookReceiver extends HttpRecorder {
  /** Verified webhooks answered 2xx, in arrival order (a repeated webhook-id shows up twice). */
  accepted(): ReceivedWebhook[];
  /** Every verified attempt, including those answered with an error. */
  attempts(): RecordedRequest[];
  /** Requests whose signature did not verify. */
  forged(): RecordedRequest[];
  /** Answers with `status` for every following request. */
  answer(status: number): void;
}

/** A game server's webhook endpoint on loopback that verifies every signature (401 when wrong). */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  let status = 200;
  const verified = new Set<RecordedRequest>();
  const accepted: ReceivedWebhook[] = [];
  const recorder = await startHttpRecorder((req): Reply => {
    const check = verifyStandardWebhook(secret, req.headers, req.body);
    if (!check.ok) return { status: 401, body: { error: check.why } };
    verified.add(req);
    if (status >= 200 && status < 300) {
      const payload = JSON.parse(req.body) as Omit<ReceivedWebhook, "id">;
      accepted.push({ id: String(req.headers["webhook-id"]), ...payload });
    }
    return { status };
  });
  return {
    ...recorder,
    accepted: () => [...accepted],
    attempts: () => recorder.requests.filter((r) => verified.has(r)),
    forged: () => recorder.requests.filter((r) => !verified.has(r)),
    answer(next) {
      status = next;
    },
  };
}
