/**
 * Sends requests to a Bolt app's `/slack/events` exactly as Slack does: `v0` signature
 * (docs.slack.dev/authentication/verifying-requests-from-slack), slash commands form-encoded,
 * interactions as `payload=<json>`, events as JSON. trigger_ids and response_urls come from the
 * emulator, so the app's views.open / respond() calls land there. Sandbox mode sends users' clicks
 * with it; tests use `signingSecret` / `timestamp` overrides to send forged or stale requests.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { SlackEmulator } from "./slack-emulator.js";
import {
  appHomeOpenedEvent,
  type ChannelRef,
  findAction,
  interactionForm,
  messageClickPayload,
  type SlackActor,
  slashCommandForm,
  viewBlockActions,
  viewSubmission,
} from "./slack-interaction-payloads.js";
import type { ViewAckOutcome } from "./slack-workspace.js";
import type { JsonObject } from "./types.js";

export type { ChannelRef, SlackActor } from "./slack-interaction-payloads.js";

/** "v0=" + hex HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + raw body). */
export function signSlackRequest(
  signingSecret: string,
  timestampSeconds: number | string,
  rawBody: string,
): string {
  const mac = createHmac("sha256", signingSecret).update(`v0:${timestampSeconds}:${rawBody}`);
  return `v0=${mac.digest("hex")}`;
}

export interface SendOptions {
  /** Sign with this secret instead (a forged request). */
  signingSecret?: string;
  /** X-Slack-Request-Timestamp in epoch seconds (a stale or future request). */
  timestamp?: number;
  headers?: Record<string, string>;
}

export interface SlackDelivery {
  status: number;
  /** Response body as text, and parsed when it is JSON (e.g. a slash command's ack message). */
  text: string;
  body: unknown;
  requestBody: string;
  payload: JsonObject;
  triggerId?: string;
  responseUrl?: string;
  /** For view_submission: what the emulator did with the app's ack. */
  viewOutcome?: ViewAckOutcome;
}

export type SignerEmulator = Pick<
  SlackEmulator,
  "team" | "mintTriggerId" | "createResponseUrl" | "message" | "view" | "homeView" | "applyViewSubmissionAck"
>;

export interface SlackRequestSignerOptions {
  /** The app's request URL, e.g. "http://127.0.0.1:3000/slack/events". */
  url: string;
  signingSecret: string;
  emulator: SignerEmulator;
  /** Legacy verification token Slack still puts in payloads. */
  verificationToken?: string;
  now?: () => number;
}

export class SlackRequestSigner {
  private readonly token: string;
  private readonly now: () => number;

  constructor(private readonly options: SlackRequestSignerOptions) {
    this.token = options.verificationToken ?? "verification_token";
    this.now = options.now ?? Date.now;
  }

  private get team() {
    return this.options.emulator.team;
  }

  async slashCommand(
    input: { user: SlackActor; channel: ChannelRef; command: string; text?: string },
    send: SendOptions = {},
  ): Promise<SlackDelivery> {
    const { emulator } = this.options;
    const triggerId = emulator.mintTriggerId(input.user.id);
    const responseUrl = emulator.createResponseUrl(
      { channel: input.channel.id, userId: input.user.id },
      "commands",
    );
    const body = slashCommandForm({
      ...input,
      text: input.text ?? "",
      team: this.team,
      token: this.token,
      responseUrl,
      triggerId,
    });
    const payload = Object.fromEntries(new URLSearchParams(body)) as JsonObject;
    const delivery = await this.post(body, "application/x-www-form-urlencoded", payload, send);
    return { ...delivery, triggerId, responseUrl };
  }

  /** A click on button/element `actionId` of an emulator message, with the message as Slack sends it. */
  async clickInMessage(
    input: { user: SlackActor; channel: ChannelRef; messageTs: string; actionId: string; value?: string },
    send: SendOptions = {},
  ): Promise<SlackDelivery> {
    const { payload, triggerId, responseUrl } = messageClickPayload(this.options.emulator, input, {
      team: this.team,
      token: this.token,
      actionTs: this.actionTs(),
    });
    const delivery = await this.post(
      interactionForm(payload),
      "application/x-www-form-urlencoded",
      payload,
      send,
    );
    return { ...delivery, triggerId, responseUrl };
  }

  /** A click inside an open modal or a Home tab. */
  async clickInView(
    input: { user: SlackActor; viewId: string; actionId: string; value?: string },
    send: SendOptions = {},
  ): Promise<SlackDelivery> {
    const { emulator } = this.options;
    const view = emulator.view(input.viewId);
    if (view === undefined) throw new Error(`no view ${input.viewId}`);
    const clicked = findAction(view.blocks, input.actionId, input.value);
    if (clicked === undefined) throw new Error(`no element ${input.actionId} in view ${input.viewId}`);
    const triggerId = emulator.mintTriggerId(input.user.id, { viewId: view.id });
    const base = { team: this.team, token: this.token, user: input.user, view, clicked, triggerId };
    const payload = viewBlockActions({ ...base, actionTs: this.actionTs() });
    const delivery = await this.post(
      interactionForm(payload),
      "application/x-www-form-urlencoded",
      payload,
      send,
    );
    return { ...delivery, triggerId };
  }

  /** Submits an open modal with `values` (block_id → action_id → value object); applies the app's ack. */
  async submitView(
    input: { user: SlackActor; viewId: string; values?: JsonObject },
    send: SendOptions = {},
  ): Promise<SlackDelivery> {
    const { emulator } = this.options;
    const view = emulator.view(input.viewId);
    if (view === undefined) throw new Error(`no view ${input.viewId}`);
    const triggerId = emulator.mintTriggerId(input.user.id, { viewId: view.id });
    const payload = viewSubmission({
      team: this.team,
      token: this.token,
      user: input.user,
      view,
      values: input.values ?? {},
      triggerId,
    });
    const delivery = await this.post(
      interactionForm(payload),
      "application/x-www-form-urlencoded",
      payload,
      send,
    );
    if (delivery.status !== 200) return { ...delivery, triggerId };
    const viewOutcome = emulator.applyViewSubmissionAck(view.id, delivery.body ?? {});
    return { ...delivery, triggerId, viewOutcome };
  }

  async appHomeOpened(input: { user: SlackActor }, send: SendOptions = {}): Promise<SlackDelivery> {
    const view = this.options.emulator.homeView(input.user.id);
    const eventId = `Ev${randomBytes(5).toString("hex").toUpperCase()}`;
    const payload = appHomeOpenedEvent({
      team: this.team,
      token: this.token,
      user: input.user,
      eventId,
      nowMs: this.now(),
      view,
    });
    return this.post(JSON.stringify(payload), "application/json", payload, send);
  }

  async urlVerification(challenge: string, send: SendOptions = {}): Promise<SlackDelivery> {
    const payload = { token: this.token, challenge, type: "url_verification" };
    return this.post(JSON.stringify(payload), "application/json", payload, send);
  }

  /** Sends any raw body, signed (the low-level path the helpers above use). */
  async post(
    body: string,
    contentType: string,
    payload: JsonObject,
    send: SendOptions = {},
  ): Promise<SlackDelivery> {
    const timestamp = send.timestamp ?? Math.floor(this.now() / 1000);
    const signature = signSlackRequest(send.signingSecret ?? this.options.signingSecret, timestamp, body);
    const response = await fetch(this.options.url, {
      method: "POST",
      headers: {
        "content-type": contentType,
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": signature,
        "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        ...send.headers,
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, text, body: parseMaybeJson(text), requestBody: body, payload };
  }

  private actionTs(): string {
    const ms = this.now();
    const micros = String(randomBytes(2).readUInt16BE() % 1000).padStart(3, "0");
    return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, "0")}${micros}`;
  }
}

function parseMaybeJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
