import { fileURLToPath } from "node:url";
import { type Bus, loadTopicsFile, type TopicSpec, topicSpecsOf } from "@loginguard/bus";

const TOPICS_FILE = fileURLToPath(new URL("../../infra/topics.json", import.meta.url));

/** The product's topics from infra/topics.json (as `topics apply` makes them). */
export function productTopics(embedded: boolean): TopicSpec[] {
  // The embedded log has one copy and no brokers: replication settings do not apply.
  return topicSpecsOf(loadTopicsFile(TOPICS_FILE)).map((s) =>
    embedded ? { ...s, replicationFactor: 1, config: {} } : s,
  );
}

/** Creates the product's topics on `bus` when missing. */
export async function ensureBenchTopics(bus: Bus, embedded: boolean): Promise<void> {
  await bus.ensureTopics(productTopics(embedded));
}
