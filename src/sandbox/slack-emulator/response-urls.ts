/**
 * response_url endpoints as Slack hands them out with slash commands and interactions
 * (docs: handling-user-interaction#message_responses): JSON POSTs, `response_type` ephemeral (default)
 * or in_channel, `replace_original` / `delete_original` acting on the source message, and each URL
 * good for 5 uses within 30 minutes.
 */
import { randomBytes } from "node:crypto";
import { hasContent, isReply, readContent } from "./message-content.js";
import type { MethodContext } from "./method-context.js";
import type { ApiReply, JsonObject, ResponseUrlContext, ResponseUrlPost, StoredMessage } from "./types.js";

const MAX_USES = 5;
const LIFETIME_MS = 30 * 60 * 1000;

interface Entry {
  context: ResponseUrlContext;
  createdAt: number;
  uses: number;
}

export class ResponseUrls {
  readonly posts: ResponseUrlPost[] = [];
  private readonly entries = new Map<string, Entry>();
  private sequence = 0;

  constructor(private readonly ctx: MethodContext) {}

  /** A path such as "/actions/T0TOLLGATE/1/9c1e…" (the host is the emulator's). */
  create(context: ResponseUrlContext, kind: "commands" | "actions"): string {
    this.sequence += 1;
    const id = `${kind}/${this.ctx.state.team.teamId}/${this.sequence}/${randomBytes(12).toString("hex")}`;
    this.entries.set(id, { context, createdAt: this.ctx.now(), uses: 0 });
    return `/${id}`;
  }

  has(path: string): boolean {
    return this.entries.has(path.replace(/^\//, ""));
  }

  handle(path: string, url: string, body: JsonObject): ApiReply {
    const id = path.replace(/^\//, "");
    const entry = this.entries.get(id);
    const reply = entry === undefined ? notFound("invalid_url") : this.apply(entry, body);
    if (entry !== undefined) {
      this.posts.push({
        id,
        url,
        context: entry.context,
        body,
        status: reply.status,
        result: reply.body,
        at: this.ctx.now(),
      });
      if (reply.status === 200)
        this.ctx.emit({ kind: "response_url_posted", id, channel: entry.context.channel });
    }
    return reply;
  }

  private apply(entry: Entry, body: JsonObject): ApiReply {
    if (this.ctx.now() - entry.createdAt > LIFETIME_MS) return notFound("expired_url");
    if (entry.uses >= MAX_USES) return notFound("used_url");
    entry.uses += 1;
    const { context } = entry;
    const { state } = this.ctx;
    if (body.delete_original === true) {
      if (context.messageTs !== undefined) state.deleteMessage(context.channel, context.messageTs);
      return { status: 200, body: { ok: true } };
    }
    const content = readContent({ args: body, undecodable: [] });
    if (isReply(content)) return { ...content, status: 400 };
    if (!hasContent(content)) return { status: 400, body: { ok: false, error: "no_text" } };
    const original =
      context.messageTs === undefined ? undefined : state.findMessage(context.channel, context.messageTs);
    if (body.replace_original === true && original !== undefined) {
      replace(original, content.text, content.blocks, state.nextTs(), state.team.botUserId);
    } else if (body.response_type === "in_channel") {
      this.postInChannel(context, content.text ?? "", content.blocks, body.thread_ts);
    } else {
      state.ephemerals.push({
        channel: context.channel,
        user: context.userId,
        message_ts: state.nextTs(),
        text: content.text ?? "",
        ...(content.blocks === undefined ? {} : { blocks: content.blocks }),
        source: "response_url",
      });
    }
    return { status: 200, body: { ok: true }, warnings: content.warnings };
  }

  private postInChannel(
    context: ResponseUrlContext,
    text: string,
    blocks: StoredMessage["blocks"],
    threadTs: JsonObject[string] | undefined,
  ): void {
    const { state } = this.ctx;
    const { team } = state;
    state.addMessage({
      type: "message",
      channel: context.channel,
      ts: state.nextTs(),
      user: team.botUserId,
      bot_id: team.botId,
      app_id: team.appId,
      team: team.teamId,
      text,
      ...(blocks === undefined ? {} : { blocks }),
      ...(typeof threadTs === "string" ? { thread_ts: threadTs } : {}),
    });
  }
}

function replace(
  message: StoredMessage,
  text: string | undefined,
  blocks: StoredMessage["blocks"],
  editTs: string,
  editor: string,
): void {
  message.text = text ?? "";
  if (blocks === undefined) delete message.blocks;
  else message.blocks = blocks;
  message.edited = { user: editor, ts: editTs };
}

function notFound(error: string): ApiReply {
  return { status: 404, body: { ok: false, error } };
}
