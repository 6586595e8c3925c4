import type { Bus, BusRecord } from "../src/bus";
import { makeRecords, sleep } from "./kafka-fixture";

/**
 * Publishes numbered records from `publishers` concurrent loops until `stop()`, like the stage
 * runtime does: a rejected publish is retried with the same records until acknowledged.
 */
export function steadyLoad(producer: Bus, topic: string, publishers = 4, perCall = 20) {
  const acked = new Set<string>();
  let rejected = 0;
  let next = 0;
  let done = false;
  const loops = Array.from({ length: publishers }, async () => {
    while (!done) {
      const records = makeRecords(topic, perCall, 97, next);
      next += perCall;
      for (;;) {
        try {
          await producer.publish(records);
          for (const r of records) acked.add(r.headers.seq!);
          break;
        } catch {
          rejected++;
          await sleep(200);
        }
      }
      await sleep(5);
    }
  });
  return {
    acked,
    rejected: () => rejected,
    async stop() {
      done = true;
      await Promise.all(loops);
    },
  };
}

/** The `seq` headers of records, in order. */
export const seqsOf = (records: BusRecord[]) => records.map((r) => r.headers.seq!);
