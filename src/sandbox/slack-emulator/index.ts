/** Slack emulator (Web API + response_urls) and the signed Slack request client, for tests and sandbox mode. */

export type { SurfaceCheck, SurfaceError } from "./block-kit-limits.js";
export {
  BLOCK_KIT_LIMITS,
  checkMessage,
  checkView,
  validateMessageBlocks,
  validateView,
} from "./block-kit-limits.js";
export { DEFAULT_BOT_TOKEN, DEFAULT_TEAM, SlackEmulator, startSlackEmulator } from "./slack-emulator.js";
export type {
  ChannelRef,
  SendOptions,
  SignerEmulator,
  SlackActor,
  SlackDelivery,
  SlackRequestSignerOptions,
} from "./slack-request-signer.js";
export { SlackRequestSigner, signSlackRequest } from "./slack-request-signer.js";
export type { ViewAckOutcome } from "./slack-workspace.js";
export type { SocketDelivery } from "./socket-mode.js";
export { SocketMode } from "./socket-mode.js";
export type {
  DisconnectReason,
  EnvelopeRecord,
  EnvelopeType,
  SocketConnectionRecord,
} from "./socket-mode-envelopes.js";
export { SocketModeError } from "./socket-mode-envelopes.js";
export type { SocketModeOptions } from "./socket-mode-hub.js";
export { APPS_CONNECTIONS_OPEN, DEFAULT_APP_TOKEN } from "./socket-mode-hub.js";
export type * from "./types.js";
export type { WorkspaceSnapshot } from "./workspace-snapshot.js";
export { parseWorkspaceSnapshot } from "./workspace-snapshot.js";
