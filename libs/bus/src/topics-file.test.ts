import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadTopicsFile, topicSpecsOf } from "./topics-file";

const repoFile = fileURLToPath(new URL("../../../infra/topics.json", import.meta.url));

describe("infra/topics.json", () => {
  it("declares every pipeline topic with a dead-letter topic and production defaults", () => {
    const specs = topicSpecsOf(loadTopicsFile(repoFile));
    const names = specs.map((s) => s.name);
    for (const t of [
      "login.attempted",
      "login.located",
      "login.recorded",
      "security.decided",
      "account.changed",
      "action.completed",
    ]) {
      expect(names).toContain(t);
      expect(names).toContain(`${t}.dlq`);
    }
    const attempted = specs.find((s) => s.name === "login.attempted")!;
    expect(attempted).toMatchObject({
      partitions: 12,
      replicationFactor: 3,
      config: { "min.insync.replicas": "2" },
    });
    const changed = specs.find((s) => s.name === "account.changed")!;
    expect(changed.config?.["cleanup.policy"]).toBe("compact");
    expect(changed.retentionMs).toBe(-1);
    expect(specs.find((s) => s.name === "account.changed.dlq")!.config?.["cleanup.policy"]).toBeUndefined();
  });
});
