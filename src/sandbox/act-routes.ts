/**
 * Acting as a sample person: the page's clicks, `/promote` commands, modal buttons, submissions
 * and Home tab visits become real Slack requests to our own /slack/events — v0-signed, with
 * trigger_ids and response_urls minted by the emulator — so the bot authorises exactly as it
 * would in a workspace. Identity is the person chosen on the page; nothing else is trusted.
 */
import { sendJson } from "../adapters/http/respond.js";
import type { SandboxContext } from "./sandbox-context.js";
import { badRequest, optionalString, readJsonObject, stringField } from "./sandbox-http.js";
import type { SlackActor, SlackDelivery } from "./slack-emulator/index.js";
import { findAction } from "./slack-emulator/slack-interaction-payloads.js";

type Act = (
  sandbox: SandboxContext,
  user: SlackActor,
  body: Record<string, unknown>,
) => Promise<SlackDelivery | undefined>;

const ACTS: Record<string, Act> = {
  async command(sandbox, user, body) {
    const channel = channelRef(sandbox, stringField(body, "channel"));
    const command = optionalString(body, "command") ?? "/promote";
    return sandbox
      .signer()
      .slashCommand({ user, channel, command, text: optionalString(body, "text") ?? "" });
  },
  async click(sandbox, user, body) {
    const channel = channelRef(sandbox, stringField(body, "channel"));
    const input = {
      user,
      channel,
      messageTs: stringField(body, "ts"),
      actionId: stringField(body, "actionId"),
    };
    const value = optionalString(body, "value");
    // A button the message no longer has (the card changed since the page drew it): say so.
    const message = sandbox.emulator.message(channel.id, input.messageTs);
    if (message === undefined) throw badRequest("ts", "is not a message in that channel");
    if (findAction(message.blocks ?? [], input.actionId, value) === undefined)
      throw badRequest("actionId", "is not on that message now (it may have changed since)");
    return sandbox.signer().clickInMessage(value === undefined ? input : { ...input, value });
  },
  async view_click(sandbox, user, body) {
    const input = { user, viewId: stringField(body, "viewId"), actionId: stringField(body, "actionId") };
    const value = optionalString(body, "value");
    const view = sandbox.emulator.view(input.viewId);
    if (view === undefined) throw badRequest("viewId", "is not an open view");
    if (findAction(view.blocks, input.actionId, value) === undefined)
      throw badRequest("actionId", "is not in that view now (it may have changed since)");
    return sandbox.signer().clickInView(value === undefined ? input : { ...input, value });
  },
  async view_submit(sandbox, user, body) {
    return sandbox.signer().submitView({ user, viewId: stringField(body, "viewId") });
  },
  async view_close(sandbox, _user, body) {
    sandbox.emulator.closeView(stringField(body, "viewId"));
    return undefined;
  },
  async home(sandbox, user) {
    return sandbox.signer().appHomeOpened({ user });
  },
};

export function registerActRoutes(sandbox: SandboxContext): void {
  sandbox.app.http.route("POST", "/sandbox/api/act", async (req, res) => {
    const body = await readJsonObject(req);
    const type = stringField(body, "type");
    const act = Object.hasOwn(ACTS, type) ? ACTS[type] : undefined;
    if (act === undefined) throw badRequest("type", `must be one of ${Object.keys(ACTS).join(", ")}`);
    const user = actor(sandbox, stringField(body, "user"));
    const delivery = await act(sandbox, user, body);
    sendJson(res, 200, {
      status: delivery?.status ?? 200,
      // A slash command's ack may carry an immediate reply; the page shows it as Slack would.
      ack: delivery === undefined ? undefined : ackText(delivery),
      viewOutcome: delivery?.viewOutcome,
    });
  });
}

function actor(sandbox: SandboxContext, id: string): SlackActor {
  const user = sandbox.emulator.users().find((u) => u.id === id);
  if (user === undefined) throw badRequest("user", "is not a person in this sandbox");
  return { id: user.id, name: user.name };
}

function channelRef(sandbox: SandboxContext, id: string) {
  const channel = sandbox.emulator.channels().find((c) => c.id === id);
  if (channel === undefined) throw badRequest("channel", "is not a channel in this sandbox");
  return { id: channel.id, name: channel.name };
}

function ackText(delivery: SlackDelivery): string | undefined {
  const body = delivery.body;
  if (typeof body === "object" && body !== null && typeof (body as { text?: unknown }).text === "string") {
    return (body as { text: string }).text;
  }
  return delivery.text !== "" && delivery.body === undefined ? delivery.text : undefined;
}
