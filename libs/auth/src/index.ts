export * from "./answer-token";
export * from "./api-keys";
export * from "./middleware";
export * from "./player-token";
export * from "./revocations";
export * from "./staff-session";
