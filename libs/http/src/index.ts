export * from "./app";
export * from "./json";
export * from "./module";
export * from "./openapi";
export * from "./problem";
export * from "./serve";
