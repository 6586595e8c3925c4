import { fileURLToPath } from "node:url";
import { loadTopicsFile, topicSpecsOf } from "@loginguard/bus";
import { startKafkaCluster } from "@loginguard/testing/kafka";
import { startPostgres } from "@loginguard/testing/postgres";

const TOPICS = fileURLToPath(new URL("../../../infra/topics.json", import.meta.url));

/**
 * Distributed mode's infrastructure for a test: the three-node Apache Kafka cluster with every
 * topic of infra/topics.json (as `topics apply` would make them) and a fresh PostgreSQL database.
 */
export async function startDistributedInfra() {
  const [kafka, postgres] = await Promise.all([startKafkaCluster({ brokers: 3 }), startPostgres()]);
  for (const spec of topicSpecsOf(loadTopicsFile(TOPICS)))
    await kafka.createTopic(spec.name, spec.partitions, 3);
  const databaseUrl = await postgres.createDatabase();
  return {
    kafka,
    postgres,
    env: { KAFKA_BROKERS: kafka.bootstrap.join(","), DATABASE_URL: databaseUrl },
    async stop() {
      await kafka.stopAll();
      await postgres.stop();
    },
  };
}
