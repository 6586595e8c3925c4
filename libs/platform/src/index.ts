export * from "./admin/index";
export * from "./env";
export * from "./open-platform";
export * from "./run-module";
