export * from "./codec";
export * from "./countries";
export * from "./ids";
export * from "./schemas";
export * from "./text";
export * from "./topics";
export * from "./types";
