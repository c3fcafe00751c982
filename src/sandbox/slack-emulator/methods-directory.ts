/**
 * auth.test, users.info, usergroups.users.list, conversations.info, conversations.members,
 * conversations.history.
 */
import { messageEcho } from "./message-content.js";
import { bool, fail, type MethodHandler, ok, str } from "./method-context.js";
import type { ChannelInput, Json, UserInput } from "./types.js";

function userObject(user: UserInput, teamId: string): Record<string, Json> {
  const realName = user.realName ?? user.name;
  return {
    id: user.id,
    team_id: teamId,
    name: user.name,
    deleted: false,
    real_name: realName,
    tz: user.tz ?? "Europe/London",
    is_admin: user.isAdmin === true,
    is_owner: false,
    is_bot: user.isBot === true,
    is_app_user: false,
    profile: { real_name: realName, display_name: user.name, team: teamId },
  };
}

function channelObject(channel: ChannelInput, now: number): Record<string, Json> {
  const isIm = channel.id.startsWith("D");
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !isIm && channel.isPrivate !== true,
    is_group: false,
    is_im: isIm,
    is_private: channel.isPrivate === true,
    is_archived: false,
    is_member: channel.botIsMember !== false,
    created: Math.floor(now / 1000),
  };
}

export const directoryMethods: Record<string, MethodHandler> = {
  "auth.test": (ctx) => {
    const { team } = ctx.state;
    return ok({
      url: `https://${team.teamDomain}.slack.com/`,
      team: team.teamName,
      user: "tollgate",
      team_id: team.teamId,
      user_id: team.botUserId,
      bot_id: team.botId,
      is_enterprise_install: false,
    });
  },
  "users.info": (ctx, req) => {
    const id = str(req.args.user);
    const user = id === undefined ? undefined : ctx.state.users.get(id);
    if (user === undefined) return fail("user_not_found");
    return ok({ user: userObject(user, ctx.state.team.teamId) });
  },
  "usergroups.users.list": (ctx, req) => {
    const id = str(req.args.usergroup);
    const members = id === undefined ? undefined : ctx.state.userGroups.get(id);
    if (members === undefined) return fail("no_such_subteam");
    return ok({ users: [...members] });
  },
  "conversations.info": (ctx, req) => {
    const id = str(req.args.channel);
    const channel = id === undefined ? undefined : ctx.state.channels.get(id);
    if (channel === undefined) return fail("channel_not_found");
    return ok({ channel: channelObject(channel, ctx.now()) });
  },
  // Newest first; `oldest`/`latest` are exclusive ts bounds; metadata only with include_all_metadata.
  "conversations.history": (ctx, req) => {
    const id = str(req.args.channel);
    const channel = id === undefined ? undefined : ctx.state.channels.get(id);
    if (channel === undefined) return fail("channel_not_found");
    if (channel.botIsMember === false) return fail("not_in_channel");
    const oldest = Number(str(req.args.oldest) ?? 0);
    const latest = Number(str(req.args.latest) ?? Number.POSITIVE_INFINITY);
    const limit = Math.min(Math.max(Number(str(req.args.limit) ?? 100) || 100, 1), 999);
    const offset = Number(str(req.args.cursor) ?? 0) || 0;
    const withMetadata = bool(req.args.include_all_metadata);
    const all = ctx.state
      .messages(channel.id)
      .filter((m) => Number(m.ts) > oldest && Number(m.ts) < latest)
      .reverse();
    const page = all.slice(offset, offset + limit).map((m) => {
      const echo = messageEcho(m, ctx.state.team);
      if (withMetadata && m.metadata !== undefined) echo.metadata = m.metadata;
      return echo;
    });
    const more = offset + limit < all.length;
    return ok({
      messages: page,
      has_more: more,
      response_metadata: { next_cursor: more ? String(offset + limit) : "" },
    });
  },
  "conversations.members": (ctx, req) => {
    const id = str(req.args.channel);
    const channel = id === undefined ? undefined : ctx.state.channels.get(id);
    if (channel === undefined) return fail("channel_not_found");
    const members = channel.members ?? [...ctx.state.users.keys()];
    return ok({ members, response_metadata: { next_cursor: "" } });
  },
};
