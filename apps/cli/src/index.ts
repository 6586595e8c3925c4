export { banner, type StartedLoginguard, startLoginguard } from "./commands/start";
export { createAllModules } from "./compose";
export { type EmbeddedSecrets, loadOrCreateSecrets, withEmbeddedDefaults } from "./embedded-secrets";
