export { createKafkaBus } from "./kafka-bus";
export type { KafkaBusOptions, KafkaRetryOptions, KafkaTopicDefaults } from "./options";
