import { permanentError, retryability } from "@loginguard/errors";
import type { DeliveryResult } from "../types";

/**
 * Runs independent side effects one after another so that one provider being down does not hold
 * back the others: each finished one is recorded, and a failure that should be retried is thrown
 * after all were tried (the retry then redoes only what is not delivered yet).
 */
export async function runAll(tasks: Array<() => Promise<DeliveryResult[]>>): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  const errors: unknown[] = [];
  for (const task of tasks) {
    try {
      results.push(...(await task()));
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) {
    // Retryable first; an unclassified error next (bounded retries); a permanent one last.
    const pick =
      errors.find((e) => retryability(e) === true) ??
      errors.find((e) => retryability(e) === undefined) ??
      errors[0];
    throw pick;
  }
  return results;
}

/**
 * When nothing was delivered and some provider rejected what was sent, nothing could be done:
 * a permanent error, so the event goes to the dead-letter topic, where an operator sees it and
 * can replay it once the cause is fixed (rejections are tried again on replay). Only skips
 * (nothing configured, no address, deduplicated) is not an error.
 */
export function assertSomethingDone(results: DeliveryResult[], what: string): void {
  if (results.some((r) => r.outcome === "delivered")) return;
  const failed = results.filter((r) => r.outcome === "failed");
  if (failed.length === 0) return;
  const summary = failed.map((r) => `${r.channel}/${r.kind}: ${r.detail ?? "failed"}`).join("; ");
  throw permanentError(`nothing could be done for ${what}: ${summary}`, "delivery_failed", {
    failed: failed.length,
  });
}
