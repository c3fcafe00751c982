/**
 * `/promote drift <env> [vs <env>]` and the digest's Details button: the same report as the
 * digest, built now. The Slack listeners call these after `ack()`; the flow does the work and
 * the views render it, so nothing here touches Bolt.
 */
import { isCodedError } from "../../errors.js";
import type { Clock } from "../../flows/ports.js";
import { type DriftReportDeps, reportDrift } from "../../flows/post-drift-digest.js";
import type { Logger } from "../log.js";
import type { BoltApp } from "./bolt-app.js";
import type { ModalView } from "./views/card-model.js";
import { renderDriftMessage } from "./views/drift-digest.js";
import { DRIFT_DETAILS_ACTION_ID, parseDriftDetailsValue } from "./views/drift-lines.js";
import { driftDetailsView } from "./views/drift-report.js";
import type { Reply } from "./views/replies.js";

export interface DriftCommandDeps extends DriftReportDeps {
  clock: Clock;
}

export type EphemeralReply = Reply;

function errorReply(error: unknown): EphemeralReply {
  if (!isCodedError(error)) throw error;
  const hint = error.hint === undefined ? "" : `\n${error.hint}`;
  const text = `\`${error.code}\` ${error.message}${hint}`;
  return { response_type: "ephemeral", text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}

/** Handles the parsed `{type: "drift"}` command (src/domain/promote-command.ts). */
export function handleDriftCommand(
  deps: DriftCommandDeps,
  command: { environment: string; compareTo?: string | undefined },
): EphemeralReply {
  try {
    const report = reportDrift(deps, command.environment, command.compareTo, deps.clock.now());
    return { response_type: "ephemeral", ...renderDriftMessage(report, { kind: "report" }) };
  } catch (error) {
    return errorReply(error);
  }
}

/** The modal for a `drift.details` click, from the button's value; an error reply when stale. */
export function handleDriftDetails(
  deps: DriftCommandDeps,
  buttonValue: string,
): { view: ModalView } | EphemeralReply {
  const value = parseDriftDetailsValue(buttonValue);
  if (value === undefined) {
    const text = "`invalid_payload` This Details button is not a drift report button.";
    return {
      response_type: "ephemeral",
      text,
      blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
    };
  }
  try {
    return {
      view: driftDetailsView(reportDrift(deps, value.environment, value.compareTo, deps.clock.now())),
    };
  } catch (error) {
    return errorReply(error);
  }
}

/** `drift.details` (the digest's Details button): opens the full report while the trigger_id lives. */
export function registerDriftDetailsAction(app: BoltApp, deps: DriftCommandDeps & { logger: Logger }): void {
  app.action(DRIFT_DETAILS_ACTION_ID, async ({ ack, body, action, client, respond }) => {
    await ack();
    const value = "value" in action && typeof action.value === "string" ? action.value : "";
    const answer = handleDriftDetails(deps, value);
    if (!("view" in answer)) {
      await respond({ ...answer, replace_original: false });
      return;
    }
    if (!("trigger_id" in body) || !body.trigger_id) return;
    await client.views.open({ trigger_id: body.trigger_id, view: answer.view });
  });
}
