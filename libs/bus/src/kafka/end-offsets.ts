import { retryableError } from "@loginguard/errors";
import { type Admin, Kafka, logLevel } from "kafkajs";

/** Committed offsets of Kafka consumer groups through an admin client of its own (the loss detector). */
export interface KafkaEndOffsets {
  /** A group's committed offset per partition of `topic` (null: nothing committed). */
  committedOffsets(group: string, topic: string): Promise<Array<number | null>>;
  close(): Promise<void>;
}

/** Opens an admin connection to `brokers` on first use; `close()` disconnects it. */
export function kafkaEndOffsets(brokers: string[], clientId = "loginguard-dlq"): KafkaEndOffsets {
  let admin: Promise<Admin> | undefined;
  const connect = () => {
    admin ??= (async () => {
      const a = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING }).admin();
      await a.connect();
      return a;
    })().catch((err: unknown) => {
      admin = undefined;
      throw retryableError(`Kafka admin connection failed: ${String(err)}`, "kafka_unavailable", {}, err);
    });
    return admin;
  };
  return {
    async committedOffsets(group, topic) {
      const [entry] = await (await connect()).fetchOffsets({ groupId: group, topics: [topic] });
      return (entry?.partitions ?? [])
        .sort((a, b) => a.partition - b.partition)
        .map((p) => (Number(p.offset) < 0 ? null : Number(p.offset)));
    },
    async close() {
      if (admin) await (await admin.catch(() => undefined))?.disconnect();
      admin = undefined;
    },
  };
}
