/**
 * What a readiness card shows about promotions (the slack module's `CardPromotionSource`): the
 * newest promotion for (digest, environment) with the approvals that count now, and whether a
 * rollback condition proposes a Roll back button.
 */
import { approvalFacts, approversOf, requiredApprovals } from "../../domain/approval-policy.js";
import { LIVE_STATES } from "../../domain/promotion.js";
import type { ContractSource } from "../../flows/ports.js";
import { promotionFact } from "../../flows/promotion-deps.js";
import type {
  DeployHookOutbox,
  PromotionRepository,
  RollbackTriggerStore,
} from "../../flows/promotion-ports.js";
import type { CardPromotionSource } from "./card-facts.js";
import type { CardPromotion } from "./views/card-model.js";

export function createPromotionCardSource(deps: {
  promotions: Pick<PromotionRepository, "forDigest" | "decisions">;
  triggers: Pick<RollbackTriggerStore, "proposedFor">;
  contracts: ContractSource;
  /** The deploy-hook outbox, so an approved card shows a hook that keeps failing. */
  outbox?: Pick<DeployHookOutbox, "get"> | undefined;
}): CardPromotionSource {
  return {
    promotionFor(digest, environment): CardPromotion | undefined {
      const promotion = deps.promotions.forDigest(digest, environment)[0];
      const contract = deps.contracts.current().contracts.get(environment);
      if (!promotion || !contract) return undefined;
      const decisions = deps.promotions.decisions(promotion.id);
      // NOTE: approvers are re-resolved (groups) at each click; the card shows recorded approvals
      // that are bound to this digest and revision (a decided one's: the revision it was approved with).
      const approvedBy = approversOf(promotion, contract, decisions);
      const rejectedBy = decisions.find((d) => d.decision === "reject")?.userId;
      const open = promotion.state === "requested";
      // NOTE: an approved promotion on its way out is still judged as that promotion: without its
      // facts, a freeze it was allowed to override read as "Blocked" right after the approval.
      const judgedAsPromotion = open || LIVE_STATES.includes(promotion.state);
      return {
        id: promotion.id,
        kind: promotion.kind,
        state: promotion.state,
        stateChangedAt: promotion.stateChangedAt,
        requestedBy: promotion.requestedBy,
        reason: promotion.reason,
        freezeOverride: promotion.freezeOverride,
        approvedBy,
        rejectedBy,
        required: requiredApprovals(contract),
        handOffFailing:
          promotion.state === "approved" ? failingHandOff(deps.outbox, promotion.id) : undefined,
        fact: judgedAsPromotion ? promotionFact(promotion, approvalFacts(decisions)) : undefined,
      };
    },
    rollbackProposed: (digest, environment) => deps.triggers.proposedFor(digest, environment),
  };
}

/** A hand-off still being retried after an error (a dead one fails the promotion, which the card shows). */
function failingHandOff(outbox: Pick<DeployHookOutbox, "get"> | undefined, promotionId: string) {
  const item = outbox?.get(promotionId);
  if (!item?.lastError || (item.state !== "pending" && item.state !== "in_flight")) return undefined;
  return { attempts: item.attempts, error: item.lastError, nextAttemptAt: item.nextAttemptAt };
}
