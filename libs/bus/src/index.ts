export type * from "./bus";
export * from "./lifecycle";
export * from "./stage/index";
