/**
 * Slack's Block Kit limits for each surface, answered in Slack's own words. Pure: the emulator uses
 * it to refuse what Slack would refuse, and tests/property checks call it on rendered surfaces.
 *
 *   validateMessageBlocks(blocks) → [] or ["[ERROR] no more than 50 items allowed [json-pointer:/blocks]", …]
 *   validateView(view)            → [] or ["[ERROR] no more than 10 items allowed [json-pointer:/view/blocks/13/fields]", …]
 */
import { blocksTextLength, checkBlocks } from "./block-kit-blocks.js";
import { BLOCK_KIT_LIMITS as L } from "./block-kit-constants.js";
import { checkText } from "./block-kit-elements.js";
import { checkBoolean, checkEnum, checkString, Findings, isObj } from "./block-kit-findings.js";

export { BLOCK_KIT_LIMITS } from "./block-kit-constants.js";

export type SurfaceError = "invalid_blocks" | "msg_blocks_too_long" | "invalid_arguments" | "view_too_large";

export interface SurfaceCheck {
  error: SurfaceError | undefined;
  /** Slack-style `response_metadata.messages`. */
  messages: string[];
  /** True when Slack would also list the messages (without "[ERROR] ") under a top-level `errors`. */
  schemaMismatch: boolean;
  /** Accepted-but-altered conditions (e.g. text truncated at 40,000 characters). */
  warnings: string[];
}

export function validateMessageBlocks(blocks: unknown): string[] {
  const f = new Findings();
  checkBlocks(f, blocks, "/blocks", L.messageBlocks);
  return f.messages;
}

export function validateView(view: unknown): string[] {
  return viewFindings(view).messages;
}

function viewFindings(view: unknown): Findings {
  const f = new Findings();
  if (!isObj(view)) {
    f.error("must provide an object", "/view");
    return f;
  }
  if (view.type === undefined) f.error("missing required field: type", "/view");
  checkEnum(f, view.type, "/view/type", ["modal", "home"]);
  const button = { max: L.viewButton, plainOnly: true };
  if (view.type === "modal") {
    checkText(f, view.title, "/view/title", { max: L.viewTitle, plainOnly: true, required: true });
    checkText(f, view.submit, "/view/submit", button);
    checkText(f, view.close, "/view/close", button);
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === "input");
    if (hasInput && view.submit === undefined) f.error("missing required field: submit", "/view");
  }
  if (view.blocks === undefined) f.error("missing required field: blocks", "/view");
  checkBlocks(f, view.blocks, "/view/blocks", L.viewBlocks);
  checkString(f, view.private_metadata, "/view/private_metadata", { max: L.privateMetadata });
  checkString(f, view.callback_id, "/view/callback_id", { max: L.callbackId });
  checkString(f, view.external_id, "/view/external_id", { max: L.externalId });
  checkBoolean(f, view.clear_on_close, "/view/clear_on_close");
  checkBoolean(f, view.notify_on_close, "/view/notify_on_close");
  return f;
}

/** A chat.postMessage / chat.update / response_url body: `invalid_blocks`, `msg_blocks_too_long`, or fine. */
export function checkMessage(message: { text?: unknown; blocks?: unknown }): SurfaceCheck {
  const f = new Findings();
  if (message.blocks !== undefined) checkBlocks(f, message.blocks, "/blocks", L.messageBlocks);
  const warnings: string[] = [];
  if (typeof message.text === "string" && message.text.length > L.messageText) {
    warnings.push(`text is ${message.text.length} characters; Slack truncates it to ${L.messageText}`);
  }
  if (f.messages.length > 0) {
    return { error: "invalid_blocks", messages: f.messages, schemaMismatch: f.hasSchemaMismatch, warnings };
  }
  if (blocksTextLength(message.blocks) > L.messageBlocksText) {
    return { error: "msg_blocks_too_long", messages: [], schemaMismatch: false, warnings };
  }
  return { error: undefined, messages: [], schemaMismatch: false, warnings };
}

/** A views.open / update / push / publish `view`: `invalid_arguments`, `view_too_large`, or fine. */
export function checkView(view: unknown): SurfaceCheck {
  const f = viewFindings(view);
  if (f.messages.length > 0) {
    return { error: "invalid_arguments", messages: f.messages, schemaMismatch: false, warnings: [] };
  }
  if (new TextEncoder().encode(JSON.stringify(view)).length > L.viewBytes) {
    return { error: "view_too_large", messages: [], schemaMismatch: false, warnings: [] };
  }
  return { error: undefined, messages: [], schemaMismatch: false, warnings: [] };
}
