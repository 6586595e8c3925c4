export * from "./countries";
export * from "./explain";
export * from "./language";
