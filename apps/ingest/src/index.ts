export { type IngestConfig, ingestEnvSchema, loadIngestConfig, uniqueStatusGroup } from "./env";
export { MAX_BATCH_LOGINS } from "./login-body";
export { ingestOpenApi } from "./openapi";
export { INGEST_SOURCE } from "./routes/post-logins";
export { createIngestService, type IngestService, type IngestServiceOptions } from "./service";
export { StatusCache } from "./status-cache";
