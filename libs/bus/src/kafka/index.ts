export { createKafkaBus } from "./kafka-bus";
export type { KafkaBusOptions, KafkaRetryOptions, KafkaTopicDefaults } from "./options";
export {
  applyKafkaTopics,
  applyKafkaTopicsWith,
  describeKafkaTopics,
  type KafkaAdminOptions,
  type KafkaTopicsApplyResult,
  planKafkaTopicsOn,
} from "./topics-apply";
export {
  desiredConfig,
  type KafkaConfigChange,
  type KafkaTopicPlan,
  type KafkaTopicState,
  type KafkaTopicsApplyOptions,
  type KafkaTopicsPlan,
  planChangesNothing,
  planKafkaTopics,
} from "./topics-plan";
