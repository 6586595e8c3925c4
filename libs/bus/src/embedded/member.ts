import type { SubscribeOptions } from "../bus";

/** One subscription's membership in a consumer group. */
export interface Member {
  readonly id: number;
  readonly topics: ReadonlySet<string>;
  readonly handleBatch: SubscribeOptions["handleBatch"];
  readonly fromBeginning: boolean;
  readonly maxBatchRecords: number;
  /** False: never commit (SubscribeOptions.commit). */
  readonly commit: boolean;
}

/** The key of a partition in a group's positions. */
export function positionKey(topicId: number, partition: number): string {
  return `${topicId}/${partition}`;
}
