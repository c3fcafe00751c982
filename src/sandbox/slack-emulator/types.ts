/** Shapes shared by the emulator's modules. Field names follow Slack's JSON (snake_case) where Slack's do. */

import type { SocketModeOptions } from "./socket-mode-hub.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ChannelInput {
  id: string;
  name: string;
  isPrivate?: boolean;
  /** false → chat.postMessage answers `not_in_channel` (the bot was never invited). Default true. */
  botIsMember?: boolean;
  /** Users in the channel (for chat.postEphemeral). Undefined → everyone known is a member. */
  members?: string[];
}

export interface UserInput {
  id: string;
  name: string;
  realName?: string;
  isBot?: boolean;
  isAdmin?: boolean;
  tz?: string;
}

export interface StoredMessage {
  type: "message";
  channel: string;
  ts: string;
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  text: string;
  blocks?: Json[];
  attachments?: Json[];
  metadata?: Json;
  thread_ts?: string;
  reply_count?: number;
  latest_reply?: string;
  reply_broadcast?: boolean;
  edited?: { user: string; ts: string };
}

export interface StoredEphemeral {
  channel: string;
  user: string;
  message_ts: string;
  text: string;
  blocks?: Json[];
  thread_ts?: string;
  /** Where it came from: chat.postEphemeral or a response_url. */
  source: "chat.postEphemeral" | "response_url";
}

export type ViewType = "modal" | "home";

export interface StoredView {
  id: string;
  team_id: string;
  type: ViewType;
  title?: Json;
  submit?: Json;
  close?: Json;
  blocks: Json[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: JsonObject };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  bot_id: string;
  app_installed_team_id: string;
}

/** A modal (with its stack) or a Home tab as the emulator tracks it. */
export interface ViewRecord {
  view: StoredView;
  userId: string;
  open: boolean;
}

export interface ResponseUrlContext {
  channel: string;
  userId: string;
  /** The message the interaction came from; `replace_original` / `delete_original` act on it. */
  messageTs?: string;
}

export interface ResponseUrlPost {
  id: string;
  url: string;
  context: ResponseUrlContext;
  body: JsonObject;
  status: number;
  result: JsonObject;
  at: number;
}

export interface RecordedCall {
  method: string;
  /** Arguments with JSON fields (blocks, attachments, view, metadata) decoded and the token removed. */
  args: JsonObject;
  token: string | undefined;
  tokenSource: "header" | "body" | "query" | "none";
  contentType: "form" | "json" | "none";
  status: number;
  response: JsonObject | string;
  headers: Record<string, string>;
  warnings: string[];
  at: number;
  durationMs: number;
}

export type EmulatorChange =
  | { kind: "message_posted" | "message_updated" | "message_deleted"; channel: string; ts: string }
  | { kind: "ephemeral_posted"; channel: string; userId: string; ts: string }
  | { kind: "view_opened" | "view_updated" | "view_pushed" | "view_closed"; viewId: string; userId: string }
  | { kind: "home_published"; viewId: string; userId: string }
  | { kind: "response_url_posted"; id: string; channel: string };

export interface TeamIdentity {
  teamId: string;
  teamName: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
}

export interface SlackEmulatorOptions {
  host?: string;
  port?: number;
  /** Accepted bot tokens. Default ["xoxb-sandbox-token"]. */
  tokens?: string[];
  team?: Partial<TeamIdentity>;
  channels?: ChannelInput[];
  users?: UserInput[];
  userGroups?: Record<string, string[]>;
  /** Slack's trigger_ids expire 3 s after the interaction. */
  triggerTtlMs?: number;
  /** Clock in epoch ms; ts values, trigger expiry and rate-limit windows use it. */
  now?: () => number;
  /** Largest request body accepted (bytes). Default 1 MiB. */
  maxBodyBytes?: number;
  /** App-level tokens, ack deadline and reconnect timings for Socket Mode. */
  socketMode?: SocketModeOptions;
}

/** What a method handler answers: HTTP status (200 unless a fault), JSON body, extra headers. */
export interface ApiReply {
  status: number;
  body: JsonObject;
  headers?: Record<string, string>;
  warnings?: string[];
}

export type SlackEmulatorEvents = { change: [EmulatorChange]; call: [RecordedCall] };
