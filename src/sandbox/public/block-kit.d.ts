/** Types for block-kit.js (hand-written ES module shared by the page and Node tests). */
import type { RenderContext, RenderNode } from "./mrkdwn.js";

export type { RenderAction, RenderContext, RenderNode } from "./mrkdwn.js";

export interface RenderableMessage {
  ts: string;
  text?: string;
  user?: string;
  bot_id?: string;
  blocks?: unknown[];
  thread_ts?: string;
  reply_count?: number;
  edited?: unknown;
}

export function renderBlocks(blocks: unknown, ctx?: RenderContext): RenderNode[];
export function buttonNode(element: unknown, blockId?: string): RenderNode;
export function renderMessageBody(
  message: { text?: string; blocks?: unknown[] },
  ctx?: RenderContext,
): RenderNode[];
export function renderMessage(message: RenderableMessage, ctx?: RenderContext): RenderNode;
export function renderView(
  view: unknown,
  ctx?: RenderContext,
): { title: string; submit: string | undefined; close: string; body: RenderNode[] };
