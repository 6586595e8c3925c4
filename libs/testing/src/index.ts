export * from "./components";
export * from "./env";
