/**
 * `emulator.socketMode`: Slack's Socket Mode side plus the same user actions the HTTP signer sends
 * (slash command, click in a message or view, view submission, Home tab opened), delivered as
 * envelopes instead of signed POSTs. Payloads are the ones Slack posts over HTTP, as JSON objects:
 * a slash command's form fields become an object of strings, interactions are not form-wrapped.
 */
import { randomBytes } from "node:crypto";
import {
  appHomeOpenedEvent,
  type ChannelRef,
  findAction,
  messageClickPayload,
  type SlackActor,
  slashCommandForm,
  viewBlockActions,
  viewSubmission,
} from "./slack-interaction-payloads.js";
import type { SignerEmulator } from "./slack-request-signer.js";
import type { ViewAckOutcome } from "./slack-workspace.js";
import type { EnvelopeType } from "./socket-mode-envelopes.js";
import { SocketModeHub } from "./socket-mode-hub.js";
import type { JsonObject } from "./types.js";

export interface SocketDelivery {
  /** The `payload` the app acked with ({} for an empty ack). */
  ack: JsonObject;
  /** What was sent as the envelope's payload. */
  payload: JsonObject;
  /** Milliseconds from sending the envelope to receiving the ack. */
  ackMs: number;
  triggerId?: string;
  responseUrl?: string;
  /** For view_submission: what the emulator did with the app's ack. */
  viewOutcome?: ViewAckOutcome;
}

const VERIFICATION_TOKEN = "verification_token";

export class SocketMode extends SocketModeHub {
  private workspace: SignerEmulator | undefined;

  /** The emulator state the helpers read (set once by the emulator that owns this). */
  attach(workspace: SignerEmulator): void {
    this.workspace = workspace;
  }

  /** One envelope of any type; resolves with the ack's payload and the round-trip time. */
  async deliver(type: EnvelopeType, payload: JsonObject): Promise<SocketDelivery> {
    const started = Date.now();
    const ack = await this.send(type, payload);
    return { ack, payload, ackMs: Date.now() - started };
  }

  async slashCommand(input: {
    user: SlackActor;
    channel: ChannelRef;
    command: string;
    text?: string;
  }): Promise<SocketDelivery> {
    const ws = this.ws();
    const triggerId = ws.mintTriggerId(input.user.id);
    const responseUrl = ws.createResponseUrl(
      { channel: input.channel.id, userId: input.user.id },
      "commands",
    );
    const form = slashCommandForm({
      ...input,
      text: input.text ?? "",
      team: ws.team,
      token: VERIFICATION_TOKEN,
      responseUrl,
      triggerId,
    });
    const payload = Object.fromEntries(new URLSearchParams(form)) as JsonObject;
    return { ...(await this.deliver("slash_commands", payload)), triggerId, responseUrl };
  }

  /** A click on element `actionId` of an emulator message. */
  async clickInMessage(input: {
    user: SlackActor;
    channel: ChannelRef;
    messageTs: string;
    actionId: string;
    value?: string;
  }): Promise<SocketDelivery> {
    const ws = this.ws();
    const sender = { team: ws.team, token: VERIFICATION_TOKEN, actionTs: actionTs() };
    const { payload, triggerId, responseUrl } = messageClickPayload(ws, input, sender);
    return { ...(await this.deliver("interactive", payload)), triggerId, responseUrl };
  }

  /** A click inside an open modal or a Home tab. */
  async clickInView(input: {
    user: SlackActor;
    viewId: string;
    actionId: string;
    value?: string;
  }): Promise<SocketDelivery> {
    const ws = this.ws();
    const view = ws.view(input.viewId);
    if (view === undefined) throw new Error(`no view ${input.viewId}`);
    const clicked = findAction(view.blocks, input.actionId, input.value);
    if (clicked === undefined) throw new Error(`no element ${input.actionId} in view ${input.viewId}`);
    const triggerId = ws.mintTriggerId(input.user.id, { viewId: view.id });
    const payload = viewBlockActions({
      team: ws.team,
      token: VERIFICATION_TOKEN,
      user: input.user,
      view,
      clicked,
      triggerId,
      actionTs: actionTs(),
    });
    return { ...(await this.deliver("interactive", payload)), triggerId };
  }

  /** Submits an open modal; the ack's `response_action` is applied as Slack would. */
  async submitView(input: {
    user: SlackActor;
    viewId: string;
    values?: JsonObject;
  }): Promise<SocketDelivery> {
    const ws = this.ws();
    const view = ws.view(input.viewId);
    if (view === undefined) throw new Error(`no view ${input.viewId}`);
    const triggerId = ws.mintTriggerId(input.user.id, { viewId: view.id });
    const payload = viewSubmission({
      team: ws.team,
      token: VERIFICATION_TOKEN,
      user: input.user,
      view,
      values: input.values ?? {},
      triggerId,
    });
    const delivery = await this.deliver("interactive", payload);
    return { ...delivery, triggerId, viewOutcome: ws.applyViewSubmissionAck(view.id, delivery.ack) };
  }

  async appHomeOpened(input: { user: SlackActor }): Promise<SocketDelivery> {
    const ws = this.ws();
    const payload = appHomeOpenedEvent({
      team: ws.team,
      token: VERIFICATION_TOKEN,
      user: input.user,
      eventId: `Ev${randomBytes(5).toString("hex").toUpperCase()}`,
      nowMs: this.env.now(),
      view: ws.homeView(input.user.id),
    });
    return this.deliver("events_api", payload);
  }

  private ws(): SignerEmulator {
    if (this.workspace === undefined) throw new Error("socketMode is not attached to an emulator");
    return this.workspace;
  }
}

function actionTs(): string {
  const ms = Date.now();
  const micros = String(randomBytes(2).readUInt16BE() % 1000).padStart(3, "0");
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, "0")}${micros}`;
}
