/**
 * Buttons no listener handles: on a message from an older card layout, or an id a hand-built
 * message used. Bolt leaves them unacknowledged and answers 404 after 3 seconds, and Slack shows
 * the person a warning with no reason. They are acknowledged at once and logged, and a click in a
 * message is told in an ephemeral reply what happened and what to do instead. (The manifest has no
 * shortcuts or option loads, and no modal Tollgate opens can be submitted, so nothing else arrives.)
 */
import { typed } from "../../../domain/mention.js";
import type { Logger } from "../../log.js";
import type { BoltApp } from "../bolt-app.js";
import { ALL_ACTION_IDS } from "../ids.js";
import { DRIFT_DETAILS_ACTION_ID } from "../views/drift-lines.js";

/** Every action id some listener handles; the fallback matches all others. */
export const HANDLED_ACTION_IDS: readonly string[] = [...ALL_ACTION_IDS, DRIFT_DETAILS_ACTION_ID];

/** Matches any id except `handled` (Bolt runs every matching listener, so one ack each). */
export function anyIdExcept(handled: readonly string[]): RegExp {
  if (handled.length === 0) return /^/;
  const escaped = handled.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^(?!(?:${escaped.join("|")})$)`);
}

export function unknownButtonReply(actionId: string): string {
  return (
    `:warning: Tollgate does not handle this button (\`${typed(actionId)}\`), so nothing happened. ` +
    "The message may be from an older version of Tollgate. `/promote status <artifact>` shows the " +
    "current card and its buttons."
  );
}

export function registerUnknownButtons(app: BoltApp, logger: Logger): void {
  const log = logger.child({ component: "slack" });
  app.action(anyIdExcept(HANDLED_ACTION_IDS), async ({ ack, action, body, respond }) => {
    await ack();
    const actionId = "action_id" in action ? String(action.action_id) : "";
    log.warn({ actionId, user: body.user.id }, "slack action with an unknown action id acknowledged");
    // A click in a modal or the Home tab has no response_url, so there is nobody to tell.
    if (!("response_url" in body) || !body.response_url) return;
    try {
      await respond({
        response_type: "ephemeral",
        replace_original: false,
        text: unknownButtonReply(actionId),
      });
    } catch (error) {
      // An expired response_url (30 minutes) is no reason for an error line: the click is acked.
      log.info({ err: error, actionId }, "could not reply to a click on an unknown button");
    }
  });
}
