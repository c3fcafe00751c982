/**
 * `/promote`: ack at once (an empty ack shows nothing), parse, then hand the command to the
 * handler for its type, which answers through `respond` (the response_url). The handler map is
 * complete by type, so a command without a handler is a compile error, not a runtime reply.
 */
import {
  type PromoteCommand,
  type PromoteCommandType,
  parsePromoteCommand,
} from "../../../domain/promote-command.js";
import type { Logger } from "../../log.js";
import type { BoltApp, WebClient } from "../bolt-app.js";
import { PROMOTE_COMMAND } from "../ids.js";
import { type Reply, renderError } from "../views/replies.js";
import { isUnexpected, refusal } from "./refusal.js";

export interface PromoteContext {
  userId: string;
  channelId: string;
  teamId?: string | undefined;
  triggerId?: string | undefined;
  /** Replies to the user who ran the command (ephemeral unless the reply says in_channel). */
  respond(reply: Reply | { response_type: "in_channel"; text: string; blocks?: unknown[] }): Promise<void>;
  client: WebClient;
  logger: Logger;
}

export type PromoteHandler<T extends PromoteCommandType = PromoteCommandType> = (
  command: Extract<PromoteCommand, { type: T }>,
  context: PromoteContext,
) => Promise<void>;

export type PromoteHandlers = { [T in PromoteCommandType]: PromoteHandler<T> };

export function registerPromoteCommand(app: BoltApp, handlers: PromoteHandlers, logger: Logger): void {
  for (const type of Object.keys(handlers) as PromoteCommandType[]) {
    if (typeof handlers[type] !== "function")
      throw new Error(`/promote: no handler for "${type}" (wiring bug)`);
  }
  app.command(PROMOTE_COMMAND, async ({ ack, command, respond, client }) => {
    await ack();
    const parsed = parsePromoteCommand(command.text ?? "");
    const context: PromoteContext = {
      userId: command.user_id,
      channelId: command.channel_id,
      teamId: command.team_id,
      triggerId: command.trigger_id,
      respond: async (reply) => {
        await respond(reply as Parameters<typeof respond>[0]);
      },
      client,
      logger,
    };
    try {
      await (handlers[parsed.type] as PromoteHandler)(parsed, context);
    } catch (error) {
      // NOTE: only a CodedError's message is meant for people; a `code` alone (SQLite, Node)
      // says nothing about what the message may reveal.
      if (isUnexpected(error)) logger.error({ err: error, type: parsed.type }, "/promote failed");
      else logger.warn({ err: error, type: parsed.type }, "/promote refused");
      await context.respond(renderError(refusal(error))).catch((respondError: unknown) => {
        logger.error({ err: respondError }, "/promote: could not reply");
      });
    }
  });
}
