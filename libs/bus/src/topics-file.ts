import { readFileSync } from "node:fs";
import { dlqTopicOf } from "@loginguard/events";
import { z } from "zod";
import type { TopicSpec } from "./bus";

const topicEntry = z.object({
  name: z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, "letters, digits, . _ - only"),
  partitions: z.number().int().positive().optional(),
  replicationFactor: z.number().int().positive().optional(),
  /** -1 keeps records forever (use with compaction). */
  retentionMs: z.number().int().min(-1).optional(),
  config: z.record(z.string(), z.string()).optional(),
  deadLetter: z.boolean().optional(),
  description: z.string().optional(),
});

/** The shape of `infra/topics.json`. */
export const topicsFileSchema = z.object({
  $schema: z.string().optional(),
  defaults: z.object({
    partitions: z.number().int().positive(),
    replicationFactor: z.number().int().positive(),
    retentionMs: z.number().int().min(-1),
    config: z.record(z.string(), z.string()).default({}),
    deadLetter: z.boolean().default(true),
  }),
  topics: z.array(topicEntry),
});

export type TopicsFile = z.infer<typeof topicsFileSchema>;

/** Every topic a topics file declares, with its dead-letter topic, defaults filled in. */
export function topicSpecsOf(file: TopicsFile): TopicSpec[] {
  const specs: TopicSpec[] = [];
  for (const t of file.topics) {
    const spec: TopicSpec = {
      name: t.name,
      partitions: t.partitions ?? file.defaults.partitions,
      replicationFactor: t.replicationFactor ?? file.defaults.replicationFactor,
      config: { ...file.defaults.config, ...t.config },
    };
    // -1 keeps records forever (Kafka's retention.ms=-1); both drivers understand it.
    spec.retentionMs = t.retentionMs ?? file.defaults.retentionMs;
    specs.push(spec);
    if (t.deadLetter ?? file.defaults.deadLetter) {
      const { config: _compacted, ...dlq } = spec;
      specs.push({
        ...dlq,
        name: dlqTopicOf(t.name),
        config: { ...file.defaults.config },
        retentionMs: file.defaults.retentionMs,
      });
    }
  }
  return specs;
}

/** Reads and validates a topics file; the error names the file and the field. */
export function loadTopicsFile(path: string): TopicsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  const parsed = topicsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`${path}: ${issues}`);
  }
  return parsed.data;
}
