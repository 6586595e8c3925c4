export { PORTAL_SCHEMA } from "./db/migrations";
export {
  loadPortalConfig,
  MIN_STAFF_PASSWORD_LENGTH,
  type PortalConfig,
  portalEnvSchema,
  type SignInThrottleSettings,
} from "./env";
export { portalOpenApi } from "./http/openapi";
export { CONTENT_SECURITY_POLICY } from "./http/security-headers";
export { OVERVIEW_STAGE, overviewStage } from "./overview/overview-stage";
export { createPortalService, type PortalService, type PortalServiceOptions } from "./service";
export { hashPassword, verifyPassword } from "./staff/passwords";
export { type NewStaff, NewStaffBody } from "./staff/staff-input";
export { normalizeEmail, type StaffAccount, StaffExistsError, StaffStore } from "./staff/staff-store";
