export { createEmbeddedBus, type EmbeddedBus } from "./embedded-bus";
export type { PartitionLag } from "./embedded-log";
export { murmur2, partitionForKey } from "./murmur2";
export type { EmbeddedBusOptions } from "./options";
export { BUS_SCHEMA } from "./schema";
