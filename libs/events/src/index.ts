export * from "./codec";
export * from "./ids";
export * from "./schemas";
export * from "./text";
export * from "./topics";
export * from "./types";
