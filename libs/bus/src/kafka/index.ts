export { type KafkaEndOffsets, kafkaEndOffsets } from "./end-offsets";
export { createKafkaBus } from "./kafka-bus";
export type { KafkaBusOptions, KafkaRetryOptions, KafkaTopicDefaults } from "./options";
