import type { TopicChange, TopicInfo, TopicSpec } from "@loginguard/bus";

/** What applying a topics file does (or would do) to one topic. */
export interface TopicPlanItem {
  name: string;
  action: "create" | "add_partitions" | "unchanged";
  /** Partitions after the change (for `unchanged`: as they are). */
  partitions: number;
  /** Partitions before, for `add_partitions`. */
  from?: number;
}

/**
 * The plan of `ensureTopics(specs)` against what exists, without changing anything (the
 * `--dry-run` of `loginguard topics apply`): missing topics are created, topics with fewer
 * partitions grow, nothing is ever removed or shrunk.
 */
export function planTopics(existing: TopicInfo[], specs: TopicSpec[]): TopicPlanItem[] {
  const have = new Map(existing.map((t) => [t.name, t.partitions]));
  return specs.map((spec): TopicPlanItem => {
    const current = have.get(spec.name);
    if (current === undefined) return { name: spec.name, action: "create", partitions: spec.partitions };
    if (spec.partitions > current) {
      return { name: spec.name, action: "add_partitions", partitions: spec.partitions, from: current };
    }
    return { name: spec.name, action: "unchanged", partitions: current };
  });
}

/** The Bus's report of what it did, in the plan's words. */
export function appliedItems(existing: TopicInfo[], changes: TopicChange[]): TopicPlanItem[] {
  const had = new Map(existing.map((t) => [t.name, t.partitions]));
  return changes.map((c): TopicPlanItem => {
    if (c.action === "created") return { name: c.name, action: "create", partitions: c.partitions };
    if (c.action === "partitions_added") {
      const from = had.get(c.name);
      return {
        name: c.name,
        action: "add_partitions",
        partitions: c.partitions,
        ...(from === undefined ? {} : { from }),
      };
    }
    return { name: c.name, action: "unchanged", partitions: c.partitions };
  });
}
