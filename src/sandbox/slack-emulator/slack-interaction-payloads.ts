/**
 * The bodies Slack sends to an app's request URL, shaped like the payloads in
 * ../shared/fixtures/slack (slash-command.*.form.txt, block_actions.*.json,
 * view_submission.bolt-python-test.json, events-api.*.json). Pure builders.
 */
import type { Json, JsonObject, StoredMessage, StoredView } from "./types.js";

export interface SlackTeamRef {
  teamId: string;
  teamDomain: string;
  appId: string;
  botUserId: string;
}

export interface SlackActor {
  id: string;
  name: string;
}

export interface ChannelRef {
  id: string;
  name: string;
}

/** Slash command fields, in the order Slack sends them (signing-test-vector.json raw_body). */
export function slashCommandForm(input: {
  team: SlackTeamRef;
  token: string;
  user: SlackActor;
  channel: ChannelRef;
  command: string;
  text: string;
  responseUrl: string;
  triggerId: string;
}): string {
  return new URLSearchParams([
    ["token", input.token],
    ["team_id", input.team.teamId],
    ["team_domain", input.team.teamDomain],
    ["channel_id", input.channel.id],
    ["channel_name", input.channel.name],
    ["user_id", input.user.id],
    ["user_name", input.user.name],
    ["command", input.command],
    ["text", input.text],
    ["api_app_id", input.team.appId],
    ["is_enterprise_install", "false"],
    ["response_url", input.responseUrl],
    ["trigger_id", input.triggerId],
  ]).toString();
}

/** Interactions travel as one form field, `payload=<url-encoded JSON>`. */
export function interactionForm(payload: JsonObject): string {
  return new URLSearchParams([["payload", JSON.stringify(payload)]]).toString();
}

function userRef(user: SlackActor, team: SlackTeamRef): JsonObject {
  return { id: user.id, username: user.name, name: user.name, team_id: team.teamId };
}

function common(team: SlackTeamRef, token: string, user: SlackActor, triggerId: string): JsonObject {
  return {
    user: userRef(user, team),
    api_app_id: team.appId,
    token,
    trigger_id: triggerId,
    team: { id: team.teamId, domain: team.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
  };
}

export interface ClickedAction {
  action_id: string;
  block_id: string;
  element: JsonObject;
}

function actionOf(clicked: ClickedAction, actionTs: string): JsonObject {
  const { element } = clicked;
  const action: JsonObject = {
    action_id: clicked.action_id,
    block_id: clicked.block_id,
    type: String(element.type),
  };
  for (const key of ["text", "value", "style", "url"] as const) {
    if (element[key] !== undefined) action[key] = element[key];
  }
  action.action_ts = actionTs;
  return action;
}

/** block_actions from a message (container.type "message", fixture block_actions.message-container). */
export function messageBlockActions(input: {
  team: SlackTeamRef;
  token: string;
  user: SlackActor;
  channel: ChannelRef;
  message: StoredMessage;
  clicked: ClickedAction;
  triggerId: string;
  responseUrl: string;
  actionTs: string;
}): JsonObject {
  const { channel: _channel, ...message } = input.message;
  return {
    type: "block_actions",
    ...common(input.team, input.token, input.user, input.triggerId),
    container: { type: "message", message_ts: message.ts, channel_id: input.channel.id, is_ephemeral: false },
    channel: { id: input.channel.id, name: input.channel.name },
    message: message as unknown as JsonObject,
    state: { values: {} },
    response_url: input.responseUrl,
    actions: [actionOf(input.clicked, input.actionTs)],
  };
}

/** block_actions inside a modal or Home tab (container.type "view"; no response_url). */
export function viewBlockActions(input: {
  team: SlackTeamRef;
  token: string;
  user: SlackActor;
  view: StoredView;
  clicked: ClickedAction;
  triggerId: string;
  actionTs: string;
}): JsonObject {
  return {
    type: "block_actions",
    ...common(input.team, input.token, input.user, input.triggerId),
    container: { type: "view", view_id: input.view.id },
    view: input.view as unknown as JsonObject,
    actions: [actionOf(input.clicked, input.actionTs)],
  };
}

export function viewSubmission(input: {
  team: SlackTeamRef;
  token: string;
  user: SlackActor;
  view: StoredView;
  values: JsonObject;
  triggerId: string;
}): JsonObject {
  const view = { ...input.view, state: { values: input.values } } as unknown as JsonObject;
  return {
    type: "view_submission",
    ...common(input.team, input.token, input.user, input.triggerId),
    view,
    response_urls: [],
  };
}

/** Events API envelope (events-api.envelope.docs.json) around app_home_opened. */
export function appHomeOpenedEvent(input: {
  team: SlackTeamRef;
  token: string;
  user: SlackActor;
  eventId: string;
  nowMs: number;
  view?: StoredView | undefined;
}): JsonObject {
  const seconds = Math.floor(input.nowMs / 1000);
  const event: JsonObject = {
    type: "app_home_opened",
    user: input.user.id,
    channel: `D${input.user.id.slice(1)}`,
    tab: "home",
    event_ts: `${seconds}.${String(input.nowMs % 1000).padStart(3, "0")}000`,
  };
  if (input.view !== undefined) event.view = input.view as unknown as Json;
  return {
    token: input.token,
    team_id: input.team.teamId,
    api_app_id: input.team.appId,
    event,
    type: "event_callback",
    event_id: input.eventId,
    event_time: seconds,
    authorizations: [
      {
        enterprise_id: null,
        team_id: input.team.teamId,
        user_id: input.team.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    context_team_id: input.team.teamId,
    context_enterprise_id: null,
  };
}

/** Finds the interactive element `actionId` (and `value`, when several share it) in a set of blocks. */
export function findAction(
  blocks: readonly Json[],
  actionId: string,
  value?: string,
): ClickedAction | undefined {
  for (const block of blocks) {
    if (typeof block !== "object" || block === null || Array.isArray(block)) continue;
    const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
    for (const element of candidates) {
      if (typeof element !== "object" || element === null || Array.isArray(element)) continue;
      if (element.action_id !== actionId || (value !== undefined && element.value !== value)) continue;
      return { action_id: actionId, block_id: String(block.block_id), element };
    }
  }
  return undefined;
}

/** What a click in a message needs from the emulator: the message, a trigger id, a response_url. */
export interface MessageClickSource {
  message(channel: string, ts: string): StoredMessage | undefined;
  mintTriggerId(userId: string): string;
  createResponseUrl(
    context: { channel: string; userId: string; messageTs?: string },
    kind: "actions",
  ): string;
}

export interface MessageClick {
  user: SlackActor;
  channel: ChannelRef;
  messageTs: string;
  actionId: string;
  value?: string;
}

/**
 * The block_actions payload for a click on `actionId` in an emulator message, with the trigger id
 * and response_url minted for it — the same over HTTP (signed) and over Socket Mode.
 */
export function messageClickPayload(
  source: MessageClickSource,
  input: MessageClick,
  sender: { team: SlackTeamRef; token: string; actionTs: string },
): { payload: JsonObject; triggerId: string; responseUrl: string } {
  const message = source.message(input.channel.id, input.messageTs);
  if (message === undefined) throw new Error(`no message ${input.messageTs} in ${input.channel.id}`);
  const clicked = findAction(message.blocks ?? [], input.actionId, input.value);
  if (clicked === undefined) throw new Error(`no element ${input.actionId} in message ${input.messageTs}`);
  const triggerId = source.mintTriggerId(input.user.id);
  const context = { channel: input.channel.id, userId: input.user.id, messageTs: input.messageTs };
  const responseUrl = source.createResponseUrl(context, "actions");
  const payload = messageBlockActions({ ...input, ...sender, message, clicked, triggerId, responseUrl });
  return { payload, triggerId, responseUrl };
}
