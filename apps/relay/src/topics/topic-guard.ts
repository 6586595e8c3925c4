import { type Bus, type TopicSpec, type TopicsFile, topicSpecsOf } from "@loginguard/bus";
import { describeError, retryableError } from "@loginguard/errors";
import type { Logger } from "@loginguard/observability";

/**
 * The specs of a topic the relay needs (a route's output or input) and its dead-letter topic: as
 * the topics file declares it, or with the file's defaults when it does not; without a file, the
 * driver's defaults.
 */
export function relayTopicSpecs(file: TopicsFile | undefined, topic: string): TopicSpec[] {
  if (!file) return [{ name: topic, partitions: 0 }];
  const declared = file.topics.find((t) => t.name === topic);
  return topicSpecsOf({ ...file, topics: [declared ?? { name: topic }] });
}

/**
 * Makes sure a topic exists before first use ("created on first use", docs/ARCHITECTURE.md section 8): a
 * route's output before the first answer is published, its input before it subscribes. Once per
 * route run. Only missing topics are passed to
 * `ensureTopics`, so an existing topic is never grown to the defaults. A failure is retryable:
 * the event waits (uncommitted) until the topic can be created.
 */
export function topicGuard(bus: Bus, specs: TopicSpec[], logger: Logger): () => Promise<void> {
  let ready: Promise<void> | undefined;
  const ensure = async (): Promise<void> => {
    const existing = new Set((await bus.listTopics()).map((t) => t.name));
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length === 0) return;
    const changes = await bus.ensureTopics(missing);
    logger.info({ topics: changes.filter((c) => c.action !== "unchanged") }, "created topic on first use");
  };
  return () => {
    ready ??= ensure().catch((err: unknown) => {
      ready = undefined;
      throw retryableError(
        `topic ${specs[0]?.name} could not be created: ${describeError(err)}`,
        "topic_unavailable",
        {},
        err,
      );
    });
    return ready;
  };
}
