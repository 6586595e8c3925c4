export {
  clusterDefaults,
  type KafkaCluster,
  type KafkaClusterOptions,
  type KafkaClusterTopic,
  offsetsPartition,
  startKafkaCluster,
} from "./cluster";
export { ensureKafkaLibs, KAFKA_VERSION, kafkaLibsDir } from "./fetch";
export { DEFAULT_JVM_OPTIONS } from "./node";
