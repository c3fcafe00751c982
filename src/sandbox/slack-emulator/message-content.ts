/** The text/blocks/attachments of a message as chat.* and response_url accept them. */
import { BLOCK_KIT_LIMITS, checkMessage } from "./block-kit-limits.js";
import { fail, type MethodRequest, surfaceFailure } from "./method-context.js";
import type { ApiReply, Json, StoredMessage, TeamIdentity } from "./types.js";
import { withBlockIds } from "./workspace-state.js";

export interface MessageContent {
  text: string | undefined;
  blocks: Json[] | undefined;
  attachments: Json[] | undefined;
  warnings: string[];
}

export function readContent(req: MethodRequest): MessageContent | ApiReply {
  const { args } = req;
  if (req.undecodable.includes("blocks")) return fail("invalid_blocks_format");
  if (req.undecodable.includes("attachments")) return fail("invalid_attachments");
  if (args.blocks !== undefined && !Array.isArray(args.blocks)) return fail("invalid_blocks_format");
  if (args.attachments !== undefined && !Array.isArray(args.attachments)) return fail("invalid_attachments");
  if (Array.isArray(args.attachments) && args.attachments.length > 100) return fail("too_many_attachments");
  const check = checkMessage({ text: args.text, blocks: args.blocks });
  if (check.error !== undefined) return surfaceFailure(check);
  const raw = typeof args.text === "string" ? args.text : undefined;
  // Slack accepts over-long text and cuts it; the warning lands in the call record.
  const text = raw?.slice(0, BLOCK_KIT_LIMITS.messageText);
  const blocks = Array.isArray(args.blocks) ? withBlockIds(args.blocks) : undefined;
  const attachments = Array.isArray(args.attachments) ? args.attachments : undefined;
  return { text, blocks, attachments, warnings: check.warnings };
}

export function isReply(value: MessageContent | ApiReply): value is ApiReply {
  return "status" in value && "body" in value;
}

export function hasContent(content: MessageContent): boolean {
  return (
    (content.text !== undefined && content.text !== "") ||
    (content.blocks !== undefined && content.blocks.length > 0) ||
    (content.attachments !== undefined && content.attachments.length > 0)
  );
}

/** The `message` object Slack echoes back for a bot post. */
export function messageEcho(message: StoredMessage, team: TeamIdentity): Record<string, Json> {
  const echo: Record<string, Json> = {
    user: message.user,
    type: "message",
    ts: message.ts,
    bot_id: message.bot_id,
    app_id: message.app_id,
    text: message.text,
    team: message.team,
    bot_profile: {
      id: team.botId,
      app_id: team.appId,
      name: "tollgate",
      deleted: false,
      team_id: team.teamId,
    },
  };
  if (message.blocks !== undefined) echo.blocks = message.blocks;
  if (message.attachments !== undefined) echo.attachments = message.attachments;
  if (message.thread_ts !== undefined) echo.thread_ts = message.thread_ts;
  if (message.edited !== undefined) echo.edited = message.edited;
  return echo;
}
