import { type Bus, type TopicsFile, topicSpecsOf } from "@loginguard/bus";
import { appliedItems, planTopics, type TopicPlanItem } from "./plan";

/** What `loginguard topics apply` did, or with `dryRun` would do. */
export interface TopicsApplyResult {
  dryRun: boolean;
  /** Which event log: `embedded` or `kafka`. */
  driver: Bus["kind"];
  items: TopicPlanItem[];
}

/**
 * Applies a topics file (infra/topics.json) to the event log: creates the missing topics (with
 * their dead-letter topics) and adds partitions, never removing anything. With `dryRun`, only
 * compares the file with `bus.listTopics()`.
 */
export async function applyTopicsFile(
  bus: Bus,
  file: TopicsFile,
  options: { dryRun?: boolean } = {},
): Promise<TopicsApplyResult> {
  const specs = topicSpecsOf(file);
  const existing = await bus.listTopics();
  if (options.dryRun) return { dryRun: true, driver: bus.kind, items: planTopics(existing, specs) };
  const changes = await bus.ensureTopics(specs);
  return { dryRun: false, driver: bus.kind, items: appliedItems(existing, changes) };
}

/** Human-readable lines for a result, as `loginguard topics apply` prints them. */
export function describeTopicsApply(result: TopicsApplyResult): string[] {
  const changed = result.items.filter((i) => i.action !== "unchanged");
  const verb = (item: TopicPlanItem): string => {
    if (item.action === "create") return result.dryRun ? "would create" : "created";
    return result.dryRun ? "would add partitions" : "added partitions";
  };
  const lines = changed.map((item) =>
    item.action === "create"
      ? `  ${verb(item).padEnd(22)}${item.name} (${item.partitions > 0 ? item.partitions : "default"} partitions)`
      : `  ${verb(item).padEnd(22)}${item.name} (${item.from ?? "?"} -> ${item.partitions} partitions)`,
  );
  const total = result.items.length;
  if (changed.length === 0) {
    lines.push(
      result.dryRun
        ? `dry run: nothing to change; all ${total} topics exist as declared`
        : `nothing changed: all ${total} topics exist as declared`,
    );
  } else {
    const created = changed.filter((i) => i.action === "create").length;
    const grown = changed.length - created;
    lines.push(
      `${result.dryRun ? "dry run: would change" : "changed"} ${changed.length} of ${total} topics ` +
        `(${created} ${result.dryRun ? "to create" : "created"}, ${grown} ${result.dryRun ? "to grow" : "grown"}, ${total - changed.length} unchanged)`,
    );
  }
  return lines;
}
