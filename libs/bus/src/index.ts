export type * from "./bus";
export * from "./lifecycle";
export * from "./stage/index";
export * from "./kafka/index";
export * from "./topics-file";
export * from "./embedded/index";
