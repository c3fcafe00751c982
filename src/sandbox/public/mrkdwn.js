/**
 * Slack mrkdwn → a tree of plain nodes ({tag, attrs, children} or {text}). Pure: runs in the
 * browser and in Node tests. NOTE: nothing here ever produces HTML text — dom.js turns the tree
 * into elements with createElement/textContent, so a payload can never inject markup.
 * Rules follow docs.slack.dev/messaging/formatting-message-text.
 */
import { emojiFor } from "./emoji.js";

/** @typedef {{tag?: string, attrs?: Record<string,string>, text?: string, children?: Node[], action?: object}} Node */

const ENTITIES = { "&lt;": "<", "&gt;": ">", "&amp;": "&" };

export function decodeEntities(text) {
  return text.replace(/&(lt|gt|amp);/g, (m) => ENTITIES[m]);
}

export function text(value) {
  return { text: value };
}

export function el(tag, attrs, children) {
  return { tag, attrs: attrs ?? {}, children: children ?? [] };
}

/** Whole mrkdwn text: ``` blocks first, then lines with > quotes, then inline formatting. */
export function renderMrkdwn(source, ctx) {
  const nodes = [];
  const parts = String(source).split("```");
  parts.forEach((part, index) => {
    if (index % 2 === 1 && index < parts.length - 1) {
      nodes.push(el("pre", { class: "code-block" }, [text(decodeEntities(part.replace(/^\n/, "")))]));
      return;
    }
    const piece = index % 2 === 1 ? `\`\`\`${part}` : part;
    nodes.push(...renderLines(piece, ctx));
  });
  return nodes;
}

function renderLines(source, ctx) {
  const nodes = [];
  const lines = source.split("\n");
  lines.forEach((line, i) => {
    const quote = /^(&gt;|>)\s?/.exec(line);
    if (quote) nodes.push(el("blockquote", {}, renderInline(line.slice(quote[0].length), ctx)));
    else {
      nodes.push(...renderInline(line, ctx));
      if (i < lines.length - 1) nodes.push(el("br"));
    }
  });
  return nodes;
}

/**
 * Inline spans. Bold/italic/strike need a non-word character (or the edge) outside the markers
 * and no space just inside them, as Slack does: `snake_case_name` stays as it is.
 */
const SPAN =
  /`([^`\n]+)`|<([^<>\n]+)>|(^|[^\w*])\*(?! )([^*\n]+?)\*(?![\w*])|(^|[^\w_])_(?! )([^_\n]+?)_(?![\w_])|(^|[^\w~])~(?! )([^~\n]+?)~(?![\w~])|:([a-z0-9_+-]+):/;

export function renderInline(source, ctx) {
  const nodes = [];
  let rest = source;
  while (rest.length > 0) {
    const m = SPAN.exec(rest);
    if (m === null) {
      pushText(nodes, decodeEntities(rest));
      break;
    }
    const lead = m[3] ?? m[5] ?? m[7] ?? "";
    pushText(nodes, decodeEntities(rest.slice(0, m.index) + lead));
    nodes.push(spanNode(m, ctx));
    rest = rest.slice(m.index + m[0].length);
  }
  return nodes;
}

function spanNode(m, ctx) {
  if (m[1] !== undefined) return el("code", {}, [text(decodeEntities(m[1]))]);
  if (m[2] !== undefined) return angleNode(m[2], ctx);
  if (m[4] !== undefined) return el("strong", {}, renderInline(m[4], ctx));
  if (m[6] !== undefined) return el("em", {}, renderInline(m[6], ctx));
  if (m[8] !== undefined) return el("s", {}, renderInline(m[8], ctx));
  const emoji = emojiFor(m[9]);
  return emoji === undefined
    ? text(`:${m[9]}:`)
    : el("span", { class: "emoji", title: `:${m[9]}:` }, [text(emoji)]);
}

/** <@U123>, <#C123|name>, <!here>, <!date^…|fallback>, <url|label>. */
function angleNode(inner, ctx) {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : decodeEntities(inner.slice(bar + 1));
  if (target.startsWith("@")) {
    const id = target.slice(1);
    return el("span", { class: "mention", "data-user": id }, [text(`@${userName(id, ctx) ?? label ?? id}`)]);
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    return el("span", { class: "mention channel", "data-channel": id }, [
      text(`#${channelName(id, ctx) ?? label ?? id}`),
    ]);
  }
  if (target.startsWith("!date^")) return dateNode(target, label);
  if (target.startsWith("!subteam^"))
    return el("span", { class: "mention" }, [text(label ?? `@${target.slice(9)}`)]);
  if (target.startsWith("!")) return el("span", { class: "mention" }, [text(`@${label ?? target.slice(1)}`)]);
  const href = safeUrl(decodeEntities(target));
  if (href === undefined) return text(label ?? decodeEntities(target));
  return el("a", { href, target: "_blank", rel: "noopener noreferrer" }, [text(label ?? href)]);
}

function dateNode(target, label) {
  const seconds = Number(target.split("^")[1]);
  if (!Number.isFinite(seconds)) return text(label ?? "");
  const iso = new Date(seconds * 1000).toISOString();
  const shown = `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return el("time", { datetime: iso, title: label ?? iso }, [text(shown)]);
}

/** Only web and mail links become anchors; `javascript:` and friends stay text. */
export function safeUrl(value) {
  return /^(https?:\/\/|mailto:)[^\s"'<>]+$/i.test(value) ? value : undefined;
}

function userName(id, ctx) {
  return ctx?.users?.[id];
}

function channelName(id, ctx) {
  return ctx?.channels?.[id];
}

function pushText(nodes, value) {
  if (value === "") return;
  const last = nodes[nodes.length - 1];
  if (last !== undefined && last.tag === undefined) last.text += value;
  else nodes.push(text(value));
}

/** A text object: mrkdwn is formatted, plain_text is shown as it is (emoji names still resolve). */
export function renderTextObject(object, ctx) {
  if (object === null || typeof object !== "object") return [];
  const value = typeof object.text === "string" ? object.text : "";
  if (object.type === "mrkdwn") return renderMrkdwn(value, ctx);
  return plainWithEmoji(value, object.emoji !== false);
}

export function plainWithEmoji(value, emoji) {
  if (!emoji) return [text(value)];
  const nodes = [];
  let last = 0;
  for (const m of value.matchAll(/:([a-z0-9_+-]+):/g)) {
    const found = emojiFor(m[1]);
    if (found === undefined) continue;
    pushText(nodes, value.slice(last, m.index));
    pushText(nodes, found);
    last = m.index + m[0].length;
  }
  pushText(nodes, value.slice(last));
  return nodes;
}
