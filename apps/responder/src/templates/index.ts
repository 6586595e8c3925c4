export { renderAccountLockedByPlayer } from "./account-locked-by-player";
export { renderAccountUnlocked } from "./account-unlocked";
export { primaryReason, renderDecision } from "./decision";
export { answerLink, formatTime, meLink } from "./format";
export { escapeHtml } from "./html";
export { DEFAULT_CODE_TTL_MINUTES, expiryOf, renderRequested } from "./requested";
export type { RenderedMessage, TemplateContext } from "./types";
export { renderUnlockCode } from "./unlock-code";
