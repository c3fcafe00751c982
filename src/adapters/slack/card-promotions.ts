/**
 * The promotion a card shows, read from the promotion store: the newest promotion of this digest
 * into the environment. Open ones also become the PromotionFact the readiness service counts
 * approvals from (decisions were authorised when they were clicked).
 */
import type { ApprovalRecord } from "../../domain/approval-policy.js";
import type { Promotion } from "../../domain/promotion.js";
import type { PromotionFact } from "../../domain/readiness.js";
import type { ContractSource } from "../../flows/ports.js";
import type { PromotionRepository } from "../../flows/promotion-ports.js";
import type { CardPromotionSource } from "./card-facts.js";
import type { CardPromotion } from "./views/card-model.js";

export function promotionSourceFrom(
  repo: Pick<PromotionRepository, "forDigest" | "decisions">,
  contracts: ContractSource,
): CardPromotionSource {
  return {
    promotionFor(digest, environment) {
      const promotion = repo.forDigest(digest, environment)[0];
      if (!promotion) return undefined;
      const decisions = repo.decisions(promotion.id);
      const required = contracts.current().contracts.get(environment)?.approvals?.required ?? 0;
      return toCardPromotion(promotion, decisions, required);
    },
  };
}

export function toCardPromotion(p: Promotion, decisions: ApprovalRecord[], required: number): CardPromotion {
  const bound = decisions.filter((d) => d.digest === p.digest && d.contractRevision === p.contractRevision);
  const approvedBy = bound.filter((d) => d.decision === "approve").map((d) => d.userId);
  const rejectedBy = bound.find((d) => d.decision === "reject")?.userId;
  const fact: PromotionFact = {
    id: p.id,
    requestedBy: p.requestedBy,
    requestedAt: p.requestedAt,
    digest: p.digest,
    contractRevision: p.contractRevision,
    approvals: bound
      .filter((d) => d.decision === "approve")
      .map((d) => ({
        userId: d.userId,
        at: d.at,
        digest: d.digest,
        contractRevision: d.contractRevision,
        isApprover: true,
      })),
    freezeOverride: p.freezeOverride,
  };
  return {
    id: p.id,
    kind: p.kind,
    state: p.state,
    stateChangedAt: p.stateChangedAt,
    requestedBy: p.requestedBy,
    reason: p.reason,
    approvedBy,
    rejectedBy,
    required,
    ...(p.state === "requested" ? { fact } : {}),
  };
}
