/**
 * Block Kit → a tree of plain nodes, the way Slack lays out a message, a modal or a Home tab.
 * Pure (browser and Node tests). Buttons carry an `action` record ({actionId, value, blockId,
 * confirm, url}) that dom.js wires to a click handler; nothing from a payload becomes markup.
 */
import { el, plainWithEmoji, renderMrkdwn, renderTextObject, safeUrl, text } from "./mrkdwn.js";

export function renderBlocks(blocks, ctx) {
  if (!Array.isArray(blocks)) return [];
  return blocks.map((block) => renderBlock(block, ctx));
}

function renderBlock(block, ctx) {
  if (block === null || typeof block !== "object") return unsupported("?");
  const render = BLOCKS[block.type];
  return render === undefined ? unsupported(String(block.type)) : render(block, ctx);
}

const BLOCKS = {
  header: (b) =>
    el("div", { class: "block header" }, plainWithEmoji(b.text?.text ?? "", b.text?.emoji !== false)),
  section: renderSection,
  context: (b, ctx) =>
    el(
      "div",
      { class: "block context" },
      (b.elements ?? []).map((e) =>
        e?.type === "image"
          ? imageNode(e, "context-image")
          : el("span", { class: "context-item" }, renderTextObject(e, ctx)),
      ),
    ),
  divider: () => el("hr", { class: "block divider" }),
  actions: (b, ctx) =>
    el(
      "div",
      { class: "block actions" },
      (b.elements ?? []).map((e) => elementNode(e, b.block_id, ctx)),
    ),
  image: (b, ctx) =>
    el("figure", { class: "block image" }, [
      ...(b.title ? [el("figcaption", {}, renderTextObject(b.title, ctx))] : []),
      imageNode(b, "image-full"),
    ]),
  rich_text: (b) => el("div", { class: "block rich-text" }, [text(richText(b))]),
  input: (b, ctx) =>
    el("div", { class: "block input" }, [
      el("label", {}, renderTextObject(b.label, ctx)),
      el("div", { class: "input-placeholder" }, [text(b.element?.placeholder?.text ?? "")]),
    ]),
};

function renderSection(block, ctx) {
  const children = [];
  if (block.text) children.push(el("div", { class: "section-text" }, renderTextObject(block.text, ctx)));
  if (Array.isArray(block.fields) && block.fields.length > 0) {
    children.push(
      el(
        "div",
        { class: "section-fields" },
        block.fields.map((f) => el("div", { class: "field" }, renderTextObject(f, ctx))),
      ),
    );
  }
  const body = el("div", { class: "section-body" }, children);
  if (!block.accessory) return el("div", { class: "block section" }, [body]);
  const accessory =
    block.accessory.type === "image"
      ? imageNode(block.accessory, "accessory-image")
      : elementNode(block.accessory, block.block_id, ctx);
  return el("div", { class: "block section with-accessory" }, [
    body,
    el("div", { class: "accessory" }, [accessory]),
  ]);
}

/** Buttons become clickable; other interactive elements are shown by their placeholder. */
function elementNode(element, blockId, ctx) {
  if (element?.type === "button") return buttonNode(element, blockId);
  if (element?.type === "image") return imageNode(element, "context-image");
  const label =
    element?.placeholder?.text ?? element?.initial_option?.text?.text ?? element?.type ?? "element";
  return el(
    "span",
    { class: "element-static", title: String(element?.type) },
    renderTextObject({ type: "plain_text", text: label }, ctx),
  );
}

export function buttonNode(element, blockId) {
  const style = element.style === "primary" || element.style === "danger" ? ` ${element.style}` : "";
  const node = el(
    "button",
    { class: `btn${style}`, type: "button", "data-action-id": String(element.action_id ?? "") },
    [...plainWithEmoji(element.text?.text ?? "", element.text?.emoji !== false)],
  );
  node.action = {
    actionId: String(element.action_id ?? ""),
    blockId: String(blockId ?? ""),
    ...(typeof element.value === "string" ? { value: element.value } : {}),
    ...(element.confirm ? { confirm: confirmOf(element.confirm) } : {}),
    ...(typeof element.url === "string" && safeUrl(element.url) ? { url: element.url } : {}),
  };
  return node;
}

function confirmOf(confirm) {
  const plain = (o, fallback) => (typeof o?.text === "string" ? o.text : fallback);
  return {
    title: plain(confirm.title, "Are you sure?"),
    text: plain(confirm.text, ""),
    confirm: plain(confirm.confirm, "Yes"),
    deny: plain(confirm.deny, "Cancel"),
    style: confirm.style === "danger" ? "danger" : "primary",
  };
}

function imageNode(image, cls) {
  const src = safeUrl(String(image.image_url ?? ""));
  if (src === undefined)
    return el("span", { class: `${cls} missing` }, [text(`[image: ${image.alt_text ?? ""}]`)]);
  return el("img", { class: cls, src, alt: String(image.alt_text ?? ""), loading: "lazy" });
}

function richText(block) {
  const out = [];
  const walk = (node) => {
    if (node === null || typeof node !== "object") return;
    if (typeof node.text === "string") out.push(node.text);
    for (const child of node.elements ?? []) walk(child);
  };
  walk(block);
  return out.join("");
}

function unsupported(type) {
  return el("div", { class: "block unsupported" }, [text(`[unsupported block: ${type}]`)]);
}

/** A message as Slack shows it: blocks when present, else its mrkdwn `text`. */
export function renderMessageBody(message, ctx) {
  if (Array.isArray(message.blocks) && message.blocks.length > 0) return renderBlocks(message.blocks, ctx);
  return [el("div", { class: "block section" }, renderMrkdwn(message.text ?? "", ctx))];
}

/** The header row, body, "edited" mark and reply count of one channel message. */
export function renderMessage(message, ctx) {
  const author = ctx?.users?.[message.user] ?? (message.bot_id ? "Tollgate" : message.user);
  const head = el("div", { class: "msg-head" }, [
    el("span", { class: "msg-author" }, [text(author)]),
    ...(message.bot_id ? [el("span", { class: "app-badge" }, [text("APP")])] : []),
    el("span", { class: "msg-time", title: message.ts }, [text(timeOf(message.ts))]),
    ...(message.edited ? [el("span", { class: "msg-edited" }, [text("(edited)")])] : []),
  ]);
  const children = [head, el("div", { class: "msg-body" }, renderMessageBody(message, ctx))];
  if (message.reply_count > 0 && message.thread_ts === message.ts) {
    const label = `${message.reply_count} ${message.reply_count === 1 ? "reply" : "replies"}`;
    const link = el("button", { class: "reply-count", type: "button" }, [text(label)]);
    link.action = { openThread: message.ts };
    children.push(link);
  }
  return el("div", { class: "message", "data-ts": message.ts }, children);
}

/** A modal or Home tab: title, blocks, and the submit/close labels. */
export function renderView(view, ctx) {
  return {
    title: view.title?.text ?? "",
    submit: view.submit?.text,
    close: view.close?.text ?? "Close",
    body: renderBlocks(view.blocks, ctx),
  };
}

function timeOf(ts) {
  const seconds = Number(String(ts).split(".")[0]);
  if (!Number.isFinite(seconds)) return "";
  return new Date(seconds * 1000).toISOString().slice(11, 16);
}
