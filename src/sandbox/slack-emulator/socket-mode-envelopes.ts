/** What Socket Mode sends and what the emulator records about it (envelope and connection shapes). */
import type { JsonObject } from "./types.js";
import type { CloseInfo } from "./websocket-connection.js";

export type EnvelopeType = "slash_commands" | "interactive" | "events_api";
export type DisconnectReason = "warning" | "refresh_requested" | "too_many_websockets" | "link_disabled";

export interface SocketConnectionRecord {
  id: string;
  openedAt: number;
  closedAt?: number;
  close?: CloseInfo;
  /** `disconnect` reasons the emulator sent on it. */
  disconnects: DisconnectReason[];
}

export interface EnvelopeRecord {
  envelopeId: string;
  type: EnvelopeType;
  payload: JsonObject;
  connectionId: string;
  sentAt: number;
  outcome: "pending" | "acked" | "timed_out";
  ackedAt?: number;
  /** The `payload` of the app's ack ({} when it sent none). */
  ack?: JsonObject;
}

export class SocketModeError extends Error {
  constructor(
    readonly code: "no_connection" | "ack_timeout" | "closed",
    message: string,
  ) {
    super(message);
    this.name = "SocketModeError";
  }
}

/** Slack takes a response in the ack for slash commands, view submissions and options requests. */
export function acceptsResponsePayload(type: EnvelopeType, payload: JsonObject): boolean {
  if (type === "slash_commands") return true;
  if (type !== "interactive") return false;
  return payload.type === "view_submission" || payload.type === "block_suggestion";
}
