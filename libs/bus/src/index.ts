export type * from "./bus";
export * from "./dlq/index";
export * from "./embedded/index";
export * from "./kafka/index";
export * from "./lifecycle";
export * from "./stage/index";
export * from "./topics-file";
