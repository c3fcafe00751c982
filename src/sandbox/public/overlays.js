/** Slack's confirmation dialog and modal views, drawn over the page. */
import { renderView } from "./block-kit.js";
import { h, toFragment } from "./dom.js";

/** Resolves true when the person confirms. */
export function confirmDialog(confirm) {
  return new Promise((resolve) => {
    const close = (answer) => {
      overlay.remove();
      resolve(answer);
    };
    const overlay = h(
      "div",
      { class: "overlay", role: "dialog", "aria-modal": "true" },
      h(
        "div",
        { class: "dialog confirm-dialog" },
        h("div", { class: "dialog-title" }, confirm.title),
        h("div", { class: "dialog-body" }, confirm.text),
        h(
          "div",
          { class: "dialog-footer" },
          h("button", { class: "btn", type: "button", onclick: () => close(false) }, confirm.deny),
          h(
            "button",
            {
              class: `btn ${confirm.style}`,
              type: "button",
              "data-confirm": "yes",
              onclick: () => close(true),
            },
            confirm.confirm,
          ),
        ),
      ),
    );
    document.body.appendChild(overlay);
  });
}

/** Shows the top modal of the person's stack (or nothing). `handlers`: close, submit, action. */
export function showModal(root, view, ctx, handlers) {
  root.replaceChildren();
  if (view === undefined) return;
  const shown = renderView(view, ctx);
  const footer = h(
    "div",
    { class: "dialog-footer" },
    h("button", { class: "btn", type: "button", onclick: () => handlers.close(view) }, shown.close),
    shown.submit
      ? h(
          "button",
          { class: "btn primary", type: "button", onclick: () => handlers.submit(view) },
          shown.submit,
        )
      : undefined,
  );
  const body = h("div", { class: "dialog-body view-body" });
  body.appendChild(toFragment(shown.body, (action) => handlers.action(view, action)));
  root.appendChild(
    h(
      "div",
      { class: "overlay", role: "dialog", "aria-modal": "true" },
      h(
        "div",
        { class: "dialog modal", "data-view-id": view.id },
        h("div", { class: "dialog-title" }, shown.title),
        body,
        footer,
      ),
    ),
  );
}
