export { BaseUrlRequestClient, classifyTwilioError } from "./channels/twilio";
export { signWebhook, WEBHOOK_TYPES, type WebhookType, webhookId } from "./channels/webhook";
export {
  loadResponderConfig,
  type ResponderConfig,
  responderEnvSchema,
  type TwilioConfig,
  type WebhookConfig,
} from "./env";
export { STAGE_NAMES } from "./handlers/stages";
export { responderOpenApi } from "./openapi";
export { createResponderService, type ResponderServiceOptions } from "./service";
export { RESPONDER_SCHEMA } from "./store";
export type { Contact, DeliveryResult } from "./types";
