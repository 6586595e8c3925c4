import type { KafkaTopicPlan, KafkaTopicsApplyResult } from "@loginguard/bus";

const pad = (verb: string) => `  ${verb.padEnd(20)}`;

function configText(config: Record<string, string>): string {
  return Object.entries(config)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

function topicLines(t: KafkaTopicPlan, dryRun: boolean): string[] {
  const lines: string[] = [];
  if (t.create) {
    const { partitions, replicationFactor, config } = t.create;
    lines.push(
      `${pad(dryRun ? "would create" : "created")}${t.name}: ${partitions} partitions, replication ${replicationFactor}` +
        (Object.keys(config).length > 0 ? `, ${configText(config)}` : ""),
    );
    return lines;
  }
  for (const c of t.configChanges) {
    lines.push(
      `${pad(dryRun ? "would change config" : "changed config")}${t.name}: ${c.key} ${c.from ?? "(unset)"} -> ${c.to}`,
    );
  }
  if (t.alterTo) {
    for (const [key, value] of Object.entries(t.keptOverrides))
      lines.push(`${pad("kept")}${t.name}: ${key}=${value} (set on the topic, not in the file)`);
  }
  const p = t.partitions;
  if (p?.action === "increase") {
    lines.push(
      `${pad(dryRun ? "would add partitions" : "added partitions")}${t.name}: ${p.has} -> ${p.wants}`,
    );
  } else if (p?.action === "needs_flag") {
    lines.push(
      `${pad("partitions differ")}${t.name}: has ${p.has}, the file says ${p.wants}; not changed ` +
        "(--allow-partition-increase adds them; keys move to other partitions)",
    );
  } else if (p?.action === "cannot_decrease") {
    lines.push(
      `${pad("partitions differ")}${t.name}: has ${p.has}, the file says ${p.wants}; left as is ` +
        "(Kafka cannot remove partitions)",
    );
  }
  if (t.replication) {
    lines.push(
      `${pad("replication differs")}${t.name}: has ${t.replication.has}, the file says ${t.replication.wants}; ` +
        "not changed (that needs a partition reassignment)",
    );
  }
  return lines;
}

/**
 * The lines `loginguard topics apply` prints for Kafka: every topic created, every config changed
 * (from -> to), overrides kept, partition and replication differences, then one summary line.
 */
export function describeKafkaTopicsApply(result: KafkaTopicsApplyResult): string[] {
  const { plan, dryRun } = result;
  const lines = plan.notes.map((n) => `${pad("note")}${n}`);
  for (const t of plan.topics) lines.push(...topicLines(t, dryRun));
  for (const b of plan.blocked) lines.push(`stopped: ${b}`);
  const total = plan.topics.length;
  const created = plan.topics.filter((t) => t.create).length;
  const configured = plan.topics.filter((t) => t.configChanges.length > 0).length;
  const grown = plan.topics.filter((t) => t.partitions?.action === "increase").length;
  const reported = plan.topics.filter(
    (t) => t.replication || (t.partitions && t.partitions.action !== "increase"),
  ).length;
  const changed = plan.topics.filter(
    (t) => t.create || t.configChanges.length > 0 || t.partitions?.action === "increase",
  ).length;
  if (plan.blocked.length > 0) {
    lines.push(`nothing changed: ${changed} of ${total} topics would change, but the plan is stopped`);
  } else if (changed === 0 && reported === 0) {
    lines.push(
      dryRun
        ? `dry run: nothing to change; all ${total} topics match the file`
        : `nothing changed: all ${total} topics match the file`,
    );
  } else {
    const counts = dryRun
      ? `${created} to create, ${configured} to reconfigure, ${grown} to grow, ${total - changed} unchanged`
      : `${created} created, ${configured} reconfigured, ${grown} grown, ${total - changed} unchanged`;
    lines.push(
      `${dryRun ? "dry run: would change" : "changed"} ${changed} of ${total} topics (${counts})` +
        (reported > 0 ? `; ${reported} difference(s) reported, not changed` : ""),
    );
  }
  return lines;
}
