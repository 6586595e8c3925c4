export * from "./logger";
export * from "./metrics";
export * from "./privacy-metrics";
export * from "./tracing";
