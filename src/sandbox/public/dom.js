/**
 * Turns the renderer's node tree into DOM with createElement / textContent / setAttribute only.
 * NOTE: no innerHTML anywhere: tags and attributes come from fixed lists, so text from a payload
 * (an evidence name like `<img src=x onerror=…>`) can only ever be text.
 */
const TAGS = new Set([
  "div",
  "span",
  "strong",
  "em",
  "s",
  "code",
  "pre",
  "blockquote",
  "br",
  "hr",
  "a",
  "img",
  "button",
  "time",
  "figure",
  "figcaption",
  "label",
  "p",
]);
const ATTRS = new Set([
  "class",
  "href",
  "target",
  "rel",
  "src",
  "alt",
  "title",
  "type",
  "loading",
  "datetime",
  "data-ts",
  "data-user",
  "data-channel",
  "data-action-id",
]);

/** `onAction(action, element)` is called when a node with an `action` is clicked. */
export function toDom(node, onAction) {
  if (node.tag === undefined) return document.createTextNode(node.text ?? "");
  const tag = TAGS.has(node.tag) ? node.tag : "span";
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(node.attrs ?? {})) {
    if (ATTRS.has(name)) element.setAttribute(name, String(value));
  }
  if (typeof node.text === "string") element.textContent = node.text;
  for (const child of node.children ?? []) element.appendChild(toDom(child, onAction));
  if (node.action !== undefined && onAction !== undefined) {
    element.addEventListener("click", (event) => {
      event.preventDefault();
      onAction(node.action, element);
    });
  }
  return element;
}

export function toFragment(nodes, onAction) {
  const fragment = document.createDocumentFragment();
  for (const node of nodes) fragment.appendChild(toDom(node, onAction));
  return fragment;
}

/** A small element helper for the page's own chrome (never payload text as markup). */
export function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== false) element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return element;
}
