/**
 * The message list of one channel (or one thread): renders messages from their Block Kit, keeps
 * one element per `ts` so an update replaces exactly that message, and interleaves the current
 * person's ephemeral replies ("Only visible to you") by time.
 */
import { renderMessage, renderMessageBody } from "./block-kit.js";
import { h, toDom, toFragment } from "./dom.js";

export class MessageList {
  constructor(container, ctx, onAction) {
    this.container = container;
    this.ctx = ctx;
    this.onAction = onAction;
    this.byTs = new Map();
  }

  /** Replaces everything: messages and ephemerals, sorted by ts, in one DOM write. */
  renderAll(messages, ephemerals) {
    this.byTs.clear();
    const items = [
      ...messages.map((m) => ({ ts: m.ts, build: () => this.messageElement(m) })),
      ...ephemerals.map((e) => ({ ts: e.message_ts, build: () => ephemeralElement(e, this.ctx) })),
    ].sort((a, b) => compareTs(a.ts, b.ts));
    const fragment = document.createDocumentFragment();
    for (const item of items) fragment.appendChild(item.build());
    this.container.replaceChildren(fragment);
    this.scrollToEnd();
  }

  messageElement(message) {
    const element = toDom(renderMessage(message, this.ctx), (action, el) =>
      this.onAction(message, action, el),
    );
    this.byTs.set(message.ts, element);
    return element;
  }

  /** A new or updated message: replaced in place, or appended at the end. */
  upsert(message) {
    const old = this.byTs.get(message.ts);
    const element = this.messageElement(message);
    if (old !== undefined) old.replaceWith(element);
    else {
      const atEnd = this.nearEnd();
      this.container.appendChild(element);
      if (atEnd) this.scrollToEnd();
    }
  }

  remove(ts) {
    this.byTs.get(ts)?.remove();
    this.byTs.delete(ts);
  }

  appendEphemeral(ephemeral) {
    this.container.appendChild(ephemeralElement(ephemeral, this.ctx));
    this.scrollToEnd();
  }

  has(ts) {
    return this.byTs.has(ts);
  }

  nearEnd() {
    const c = this.container;
    return c.scrollHeight - c.scrollTop - c.clientHeight < 120;
  }

  scrollToEnd() {
    this.container.scrollTop = this.container.scrollHeight;
  }
}

export function ephemeralElement(ephemeral, ctx) {
  const body = h("div", { class: "msg-body" });
  body.appendChild(toFragment(renderMessageBody(ephemeral, ctx)));
  // Slack does not let anyone act on another view of an ephemeral message; neither do we.
  for (const button of body.querySelectorAll("button")) button.disabled = true;
  return h(
    "div",
    { class: "message ephemeral", "data-ts": ephemeral.message_ts },
    h(
      "div",
      { class: "msg-head" },
      h("span", { class: "msg-author" }, "Tollgate"),
      h("span", { class: "app-badge" }, "APP"),
      h("span", { class: "only-you" }, "Only visible to you"),
    ),
    body,
  );
}

export function compareTs(a, b) {
  const [as, au = "0"] = String(a).split(".");
  const [bs, bu = "0"] = String(b).split(".");
  return Number(as) - Number(bs) || Number(au.padEnd(6, "0")) - Number(bu.padEnd(6, "0"));
}
