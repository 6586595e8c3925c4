import { describe, expect, it } from "vitest";
import { describeTopicsApply } from "./apply";
import { appliedItems, planTopics } from "./plan";

describe("planTopics", () => {
  it("creates what is missing, grows what is short, never shrinks", () => {
    const plan = planTopics(
      [
        { name: "a", partitions: 12 },
        { name: "b", partitions: 4 },
        { name: "c", partitions: 24 },
      ],
      [
        { name: "a", partitions: 12 },
        { name: "b", partitions: 12 },
        { name: "c", partitions: 12 },
        { name: "d", partitions: 6 },
      ],
    );
    expect(plan).toEqual([
      { name: "a", action: "unchanged", partitions: 12 },
      { name: "b", action: "add_partitions", partitions: 12, from: 4 },
      { name: "c", action: "unchanged", partitions: 24 },
      { name: "d", action: "create", partitions: 6 },
    ]);
  });

  it("words the Bus's changes like the plan, and prints what changed", () => {
    const items = appliedItems(
      [{ name: "b", partitions: 4 }],
      [
        { name: "a", action: "created", partitions: 12 },
        { name: "b", action: "partitions_added", partitions: 12 },
        { name: "c", action: "unchanged", partitions: 3 },
      ],
    );
    expect(items[1]).toEqual({ name: "b", action: "add_partitions", partitions: 12, from: 4 });
    const lines = describeTopicsApply({ dryRun: false, driver: "embedded", items });
    expect(lines[0]).toMatch(/^ {2}created\s+a \(12 partitions\)$/);
    expect(lines[1]).toMatch(/^ {2}added partitions\s+b \(4 -> 12 partitions\)$/);
    expect(lines.at(-1)).toBe("changed 2 of 3 topics (1 created, 1 grown, 1 unchanged)");
    const dry = describeTopicsApply({
      dryRun: true,
      driver: "kafka",
      items: planTopics([], [{ name: "x", partitions: 2 }]),
    });
    expect(dry[0]).toMatch(/would create\s+x \(2 partitions\)/);
    expect(describeTopicsApply({ dryRun: false, driver: "kafka", items: [items[2]!] })).toEqual([
      "nothing changed: all 1 topics exist as declared",
    ]);
  });
});
