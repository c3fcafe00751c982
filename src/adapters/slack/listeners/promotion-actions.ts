/**
 * Card buttons that move promotions (SPEC §5): `promotion.approve`, `promotion.reject`,
 * `promotion.request`, `rollback.request`. Ack first, then one flow. The clicking user comes
 * only from the signed payload (`body.user.id`); the button value says which card/promotion,
 * never who. The answer goes back ephemerally; the flow re-renders the card at once.
 */
import type { Artifact } from "../../../domain/artifact.js";
import { isCodedError } from "../../../errors.js";
import { approvePromotion } from "../../../flows/approve-promotion.js";
import type { PromotionDeps } from "../../../flows/promotion-deps.js";
import { rejectPromotion } from "../../../flows/reject-promotion.js";
import { requestPromotion } from "../../../flows/request-promotion.js";
import { requestRollback } from "../../../flows/rollback.js";
import type { Logger } from "../../log.js";
import type { BoltApp } from "../bolt-app.js";
import { ACTION_IDS } from "../ids.js";
import { refusal } from "./refusal.js";

export { refusal };

import { type CardButtonValue, decodeButtonValue } from "../views/card-model.js";

export interface PromotionSlackDeps {
  flows: PromotionDeps;
  logger: Logger;
}

type Respond = (message: {
  response_type: "ephemeral";
  replace_original: false;
  text: string;
}) => Promise<unknown>;

/** The card's JSON value, or a bare promotion id as other surfaces may send. */
export function buttonTarget(
  raw: string | undefined,
):
  | { promotionId?: string | undefined; digest?: string | undefined; environment?: string | undefined }
  | undefined {
  const decoded = decodeButtonValue(raw);
  if (decoded) return decoded;
  return raw !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(raw) ? { promotionId: raw } : undefined;
}

/** Runs the flow and replies; the flow itself re-renders the card when something changed. */
async function answer(
  deps: PromotionSlackDeps,
  respond: Respond,
  work: () => Promise<string>,
): Promise<void> {
  let text: string;
  try {
    text = await work();
  } catch (error) {
    if (!isCodedError(error)) deps.logger.error({ err: error }, "promotion action failed");
    text = refusal(error);
  }
  await respond({ response_type: "ephemeral", replace_original: false, text }).catch((error: unknown) =>
    deps.logger.warn({ err: error }, "could not answer a promotion click"),
  );
}

function artifactOf(deps: PromotionSlackDeps, digest: string): Artifact {
  const artifact = deps.flows.artifacts.getArtifact(digest);
  if (!artifact) throw new Error(`card for unknown digest ${digest}`);
  return artifact;
}

export function registerPromotionActions(app: BoltApp, deps: PromotionSlackDeps): void {
  const onPromotion = (
    actionId: string,
    run: (userId: string, promotionId: string) => Promise<string>,
  ): void => {
    app.action(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const target = buttonTarget("value" in action ? (action.value as string | undefined) : undefined);
      const promotionId = target?.promotionId;
      await answer(deps, respond as Respond, async () => {
        if (promotionId === undefined) return ":warning: This button does not name a promotion.";
        return run(body.user.id, promotionId);
      });
    });
  };

  onPromotion(ACTION_IDS.promotionApprove, async (userId, promotionId) => {
    const outcome = await approvePromotion(deps.flows, { userId, promotionId });
    return outcome.message;
  });
  onPromotion(ACTION_IDS.promotionReject, async (userId, promotionId) => {
    const outcome = await rejectPromotion(deps.flows, { userId, promotionId });
    return outcome.message;
  });

  const onCard = (
    actionId: string,
    run: (userId: string, card: CardButtonValue) => Promise<string>,
  ): void => {
    app.action(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const card = decodeButtonValue("value" in action ? (action.value as string | undefined) : undefined);
      await answer(deps, respond as Respond, async () =>
        card ? run(body.user.id, card) : ":warning: This button does not name a card.",
      );
    });
  };

  onCard(ACTION_IDS.promotionRequest, async (userId, card) => {
    const artifact = artifactOf(deps, card.digest);
    return (await requestPromotion(deps.flows, { userId, artifact, environment: card.environment })).message;
  });
  onCard(ACTION_IDS.rollbackRequest, async (userId, card) => {
    const name = artifactOf(deps, card.digest).name;
    return (await requestRollback(deps.flows, { userId, name, environment: card.environment })).message;
  });
}
