/**
 * `readiness.details`: opens the Details modal right after the ack (a trigger_id lives 3 s), or
 * turns its page when the click came from inside the modal.
 */
import type { Logger } from "../../log.js";
import type { BoltApp } from "../bolt-app.js";
import type { CardFacts } from "../card-facts.js";
import { ACTION_IDS } from "../ids.js";
import { decodeButtonValue } from "../views/card-model.js";
import { renderDetailsModal } from "../views/details-modal.js";

export function registerDetailsAction(app: BoltApp, deps: { facts: CardFacts; logger: Logger }): void {
  app.action(ACTION_IDS.readinessDetails, async ({ ack, body, action, client }) => {
    await ack();
    const value = decodeButtonValue("value" in action ? (action.value as string | undefined) : undefined);
    if (!value) return;
    const model = deps.facts.cardModel(value.digest, value.environment);
    if (!model) return;
    const view = renderDetailsModal(model, value.page ?? 0);
    const container = "view" in body ? body.view : undefined;
    if (container?.id) {
      await client.views.update({ view_id: container.id, hash: container.hash, view });
      return;
    }
    if (!("trigger_id" in body) || !body.trigger_id) return;
    await client.views.open({ trigger_id: body.trigger_id, view });
  });
}
