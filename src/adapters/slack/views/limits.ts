/**
 * Slack's Block Kit limits (docs.slack.dev/reference/block-kit) in one place. Views build within
 * them by construction; `fitBlocks` is the last guard so a surface is never refused by Slack.
 */
import { MENTIONS, typed } from "../../../domain/mention.js";

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 2000,
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  /** chat.postMessage `text`: Slack truncates beyond 40,000; a notification needs far less. */
  messageText: 3000,
  /** Slack refuses a message whose blocks carry about 13k characters of text (msg_blocks_too_long). */
  messageBlocksText: 12_000,
  /** views.* refuse a view over 250 kB (view_too_large); keep a margin. */
  viewBytes: 200_000,
} as const;

/** Cuts to `max` characters (code points), ending in "…" when anything was removed. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters (domain/mention.ts). */
export const escapeMrkdwn = typed;

/**
 * escapeMrkdwn, except for user and user-group mentions, which stay mentions: a check's reason
 * names people ("Line stopped by <@U…>") and shows them as Slack does, while anything else in it
 * — a typed lock reason's `<!channel>` or `<https://…|link>` — is shown as text.
 */
export function escapeKeepingMentions(text: string): string {
  let out = "";
  let at = 0;
  for (const match of text.matchAll(MENTIONS)) {
    out += escapeMrkdwn(text.slice(at, match.index)) + match[0];
    at = match.index + match[0].length;
  }
  return out + escapeMrkdwn(text.slice(at));
}

/**
 * Packs lines into as few texts as possible, each at most `maxChars`; lines that do not fit in
 * `maxTexts` are counted in `omitted` so the caller can say "and 57 more".
 */
export function packLines(
  lines: readonly string[],
  maxChars: number,
  maxTexts: number,
  reserve = 0,
): { texts: string[]; omitted: number } {
  const texts: string[] = [];
  let current = "";
  let used = 0;
  for (const raw of lines) {
    const line = truncate(raw, maxChars - reserve);
    const joined = current === "" ? line : `${current}\n${line}`;
    if (Array.from(joined).length <= maxChars - reserve) {
      current = joined;
      used++;
      continue;
    }
    if (texts.length + 1 >= maxTexts) break;
    texts.push(current);
    current = line;
    used++;
  }
  if (current !== "") texts.push(current);
  return { texts, omitted: lines.length - used };
}

/** "and 57 more — see Details": the line that replaces what a card cannot show. */
export function moreLine(omitted: number, where = "see Details"): string {
  return `_…and ${omitted} more — ${where}_`;
}

/** UTF-8 size of a block as JSON, for the views' overall size budget. */
export function byteSize(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}
