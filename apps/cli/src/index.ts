export { banner, type StartedLoginguard, startLoginguard } from "./commands/start";
export { type CommandIo, topicsCommand } from "./commands/topics";
export { createAllModules, SERVICE_NAMES, type ServiceName, selectServices } from "./compose";
export { type EmbeddedSecrets, loadOrCreateSecrets, withEmbeddedDefaults } from "./embedded-secrets";
