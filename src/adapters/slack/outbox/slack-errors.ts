/**
 * How the outbox treats each failure of a Slack Web API call: wait for Retry-After, retry with
 * backoff, post a lost card again, or stop and tell someone what to fix. Classified by the error's
 * `code` (duck-typed, so it works whichever copy of @slack/web-api threw it).
 */
export type Failure =
  | { type: "rate_limited"; retryAfterMs: number }
  | { type: "transient"; error: string }
  | { type: "permanent"; error: string; hint: string; scope: "channel" | "workspace" | "message" };

const WORKSPACE_ERRORS = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "no_permission",
  "missing_scope",
  "team_access_not_granted",
  "ekm_access_denied",
  "org_login_required",
]);
const CHANNEL_ERRORS = new Set(["channel_not_found", "not_in_channel", "is_archived", "restricted_action"]);
const TRANSIENT_ERRORS = new Set([
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "ratelimited",
]);

/**
 * chat.update's "No message exists with the requested timestamp" (docs.slack.dev/reference/methods/
 * chat.update): someone deleted the card, or a Slack (the sandbox's emulator after a crash) lost it.
 * Posting it again is no duplicate. NOTE: cant_update_message and edit_window_closed are not here:
 * that message still shows in the channel, and a second card beside it would be.
 */
export const CARD_GONE_ERRORS: ReadonlySet<string> = new Set(["message_not_found"]);
/** A reply whose card message is gone: Slack answers thread_not_found (or message_not_found). */
export const THREAD_GONE_ERRORS: ReadonlySet<string> = new Set(["thread_not_found", "message_not_found"]);

export function hintFor(error: string, channel: string | undefined): string {
  const where = channel ? `<#${channel}> (${channel})` : "the channel";
  switch (error) {
    case "not_in_channel":
      return `invite the bot to ${where}: /invite @Tollgate`;
    case "channel_not_found":
      return `channel ${channel ?? "?"} does not exist or is private without the bot: check \`channel:\` in the contract and /invite @Tollgate there`;
    case "is_archived":
      return `${where} is archived: unarchive it or change \`channel:\` in the contract`;
    case "cant_update_message":
      return "Slack refuses this bot edits to the card's message (posted by another bot user, e.g. before a reinstall?): delete that message and the card is posted again with its next change";
    case "edit_window_closed":
      return "the workspace's message editing setting forbids editing the card's message: allow editing, or delete the message and the card is posted again with its next change";
    case "missing_scope":
      return "a scope is missing: reinstall the app from manifest.yml";
    case "invalid_auth":
    case "not_authed":
    case "token_revoked":
    case "token_expired":
    case "account_inactive":
      return "SLACK_BOT_TOKEN is not valid any more: reinstall the app and set the new xoxb- token";
    default:
      return "see https://api.slack.com/methods for this error";
  }
}

export function classifySlackError(error: unknown, channel: string | undefined): Failure {
  const e = error as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
  if (e?.code === "slack_webapi_rate_limited_error") {
    return { type: "rate_limited", retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
  }
  if (e?.code === "slack_webapi_platform_error") {
    const name = e.data?.error ?? "unknown_error";
    if (TRANSIENT_ERRORS.has(name)) return { type: "transient", error: name };
    const scope = WORKSPACE_ERRORS.has(name) ? "workspace" : CHANNEL_ERRORS.has(name) ? "channel" : "message";
    return { type: "permanent", error: name, hint: hintFor(name, channel), scope };
  }
  if (e?.code === "slack_webapi_http_error")
    return { type: "transient", error: `http_${e.statusCode ?? "error"}` };
  const message = error instanceof Error ? error.message : String(error);
  return { type: "transient", error: `network: ${message}` };
}
