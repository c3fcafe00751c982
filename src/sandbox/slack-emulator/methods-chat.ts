/** chat.postMessage, chat.update, chat.postEphemeral, chat.delete, chat.getPermalink. */
import { hasContent, isReply, messageEcho, readContent } from "./message-content.js";
import { bool, fail, type MethodHandler, ok, str } from "./method-context.js";
import type { Json, StoredMessage } from "./types.js";

/** Message metadata as Slack takes it: `{event_type: string, event_payload: object}`. */
function isMetadata(value: Json | undefined): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const payload = value.event_payload;
  return (
    typeof value.event_type === "string" &&
    typeof payload === "object" &&
    payload !== null &&
    !Array.isArray(payload)
  );
}

const postMessage: MethodHandler = (ctx, req) => {
  const { state } = ctx;
  const ref = str(req.args.channel);
  const channel = ref === undefined ? undefined : state.resolveChannel(ref, { byName: true });
  if (channel === undefined) return fail("channel_not_found");
  if (channel.botIsMember === false) return fail("not_in_channel");
  const content = readContent(req);
  if (isReply(content)) return content;
  if (!hasContent(content)) return fail("no_text");
  if (req.args.metadata !== undefined && !isMetadata(req.args.metadata))
    return fail("invalid_metadata_format");
  const threadTs = str(req.args.thread_ts);
  const warnings = [...content.warnings];
  if (threadTs !== undefined && state.findMessage(channel.id, threadTs) === undefined) {
    warnings.push(`thread_ts ${threadTs} is not a message in ${channel.id}`);
  }
  const { team } = state;
  const message: StoredMessage = {
    type: "message",
    channel: channel.id,
    ts: state.nextTs(),
    user: team.botUserId,
    bot_id: team.botId,
    app_id: team.appId,
    team: team.teamId,
    text: content.text ?? "",
    ...(content.blocks === undefined ? {} : { blocks: content.blocks }),
    ...(content.attachments === undefined ? {} : { attachments: content.attachments }),
    ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    ...(threadTs !== undefined && bool(req.args.reply_broadcast) ? { reply_broadcast: true } : {}),
    ...(req.args.metadata === undefined ? {} : { metadata: req.args.metadata }),
  };
  state.addMessage(message);
  ctx.emit({ kind: "message_posted", channel: channel.id, ts: message.ts });
  return ok({ channel: channel.id, ts: message.ts, message: messageEcho(message, team) }, warnings);
};

const update: MethodHandler = (ctx, req) => {
  const { state } = ctx;
  const channelId = str(req.args.channel);
  const channel = channelId === undefined ? undefined : state.resolveChannel(channelId, { byName: false });
  if (channel === undefined) return fail("channel_not_found");
  const ts = str(req.args.ts);
  const message = ts === undefined ? undefined : state.findMessage(channel.id, ts);
  if (message === undefined) return fail("message_not_found");
  if (message.user !== state.team.botUserId) return fail("cant_update_message");
  const content = readContent(req);
  if (isReply(content)) return content;
  if (!hasContent(content)) return fail("no_text");
  // Slack keeps the previous blocks/attachments when the field is left out (chat.update docs).
  if (content.text !== undefined) message.text = content.text;
  if (content.blocks !== undefined) message.blocks = content.blocks;
  if (content.attachments !== undefined) message.attachments = content.attachments;
  message.edited = { user: state.team.botUserId, ts: state.nextTs() };
  ctx.emit({ kind: "message_updated", channel: channel.id, ts: message.ts });
  const echo = messageEcho(message, state.team);
  return ok({ channel: channel.id, ts: message.ts, text: message.text, message: echo }, content.warnings);
};

const postEphemeral: MethodHandler = (ctx, req) => {
  const { state } = ctx;
  const ref = str(req.args.channel);
  const channel = ref === undefined ? undefined : state.resolveChannel(ref, { byName: true });
  if (channel === undefined) return fail("channel_not_found");
  const userId = str(req.args.user);
  if (userId === undefined || !state.users.has(userId)) return fail("user_not_found");
  if (channel.botIsMember === false) return fail("not_in_channel");
  if (!state.isMember(channel, userId)) return fail("user_not_in_channel");
  const content = readContent(req);
  if (isReply(content)) return content;
  if (!hasContent(content)) return fail("no_text");
  const messageTs = state.nextTs();
  const threadTs = str(req.args.thread_ts);
  state.ephemerals.push({
    channel: channel.id,
    user: userId,
    message_ts: messageTs,
    text: content.text ?? "",
    ...(content.blocks === undefined ? {} : { blocks: content.blocks }),
    ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    source: "chat.postEphemeral",
  });
  ctx.emit({ kind: "ephemeral_posted", channel: channel.id, userId, ts: messageTs });
  return ok({ message_ts: messageTs }, content.warnings);
};

const deleteMessage: MethodHandler = (ctx, req) => {
  const channel = str(req.args.channel);
  const ts = str(req.args.ts);
  if (channel === undefined || !ctx.state.channels.has(channel)) return fail("channel_not_found");
  if (ts === undefined || !ctx.state.deleteMessage(channel, ts)) return fail("message_not_found");
  ctx.emit({ kind: "message_deleted", channel, ts });
  return ok({ channel, ts });
};

const getPermalink: MethodHandler = (ctx, req) => {
  const channel = str(req.args.channel);
  const ts = str(req.args.message_ts);
  if (channel === undefined || !ctx.state.channels.has(channel)) return fail("channel_not_found");
  if (ts === undefined || ctx.state.findMessage(channel, ts) === undefined) return fail("message_not_found");
  const permalink = `https://${ctx.state.team.teamDomain}.slack.com/archives/${channel}/p${ts.replace(".", "")}`;
  return ok({ channel, permalink });
};

export const chatMethods: Record<string, MethodHandler> = {
  "chat.postMessage": postMessage,
  "chat.update": update,
  "chat.postEphemeral": postEphemeral,
  "chat.delete": deleteMessage,
  "chat.getPermalink": getPermalink,
};
