/** Types for mrkdwn.js (hand-written ES module shared by the page and Node tests). */
export interface RenderNode {
  tag?: string;
  attrs?: Record<string, string>;
  text?: string;
  children?: RenderNode[];
  action?: RenderAction;
}

export interface RenderAction {
  actionId?: string;
  blockId?: string;
  value?: string;
  url?: string;
  openThread?: string;
  confirm?: { title: string; text: string; confirm: string; deny: string; style: "primary" | "danger" };
}

export interface RenderContext {
  users?: Record<string, string>;
  channels?: Record<string, string>;
}

export function decodeEntities(text: string): string;
export function text(value: string): RenderNode;
export function el(tag: string, attrs?: Record<string, string>, children?: RenderNode[]): RenderNode;
export function renderMrkdwn(source: string, ctx?: RenderContext): RenderNode[];
export function renderInline(source: string, ctx?: RenderContext): RenderNode[];
export function safeUrl(value: string): string | undefined;
export function renderTextObject(object: unknown, ctx?: RenderContext): RenderNode[];
export function plainWithEmoji(value: string, emoji: boolean): RenderNode[];
