/**
 * An approval holds only while the contract does. Until the deployer has it — a webhook's hand-off
 * (execute-promotion.ts), or pull-based CD reading the approved list (stale-approvals.ts) — an
 * approved promotion is checked again: a lock or a freeze set since, evidence that failed since, or
 * a changed contract (approvals are bound to its revision, SPEC §4) fails it. Rollbacks are the
 * remedy, not a change: like their approval, they are not gated (an automatic rollback locks first).
 */
import { approvalFacts } from "../domain/approval-policy.js";
import { shortDigest } from "../domain/artifact.js";
import { TOLLGATE_ACTOR } from "../domain/mention.js";
import type { Promotion } from "../domain/promotion.js";
import {
  blockers,
  describeBlockers,
  moveTo,
  notify,
  type PromotionDeps,
  promotionFact,
} from "./promotion-deps.js";

/** Why an approved promotion may no longer enter its environment, or undefined while it may. */
export function whyNoLongerAllowed(
  deps: Pick<PromotionDeps, "promotions" | "contracts" | "readiness">,
  promotionId: string,
): string | undefined {
  const promotion = deps.promotions.get(promotionId);
  if (promotion === undefined || promotion.state !== "approved" || promotion.kind === "rollback")
    return undefined;
  const contract = deps.contracts.current().contracts.get(promotion.environment);
  if (contract === undefined) return `${promotion.environment} has no contract any more`;
  if (contract.revision !== promotion.contractRevision) {
    return `the contract for ${promotion.environment} changed after the approval (${promotion.contractRevision.slice(0, 19)}… → ${contract.revision.slice(0, 19)}…): earlier approvals no longer count`;
  }
  const approvals = approvalFacts(deps.promotions.decisions(promotion.id));
  const readiness = deps.readiness.evaluate(promotion.digest, promotion.environment, {
    promotion: promotionFact(promotion, approvals),
  });
  const blocking = blockers(readiness.checks);
  if (blocking.length === 0) return undefined;
  return `the contract for ${promotion.environment} no longer holds:\n${describeBlockers(blocking)}`;
}

/**
 * Fails a promotion still `approved` (compare-and-set, with `alsoInTx` in the same transaction),
 * then tells its thread; a new request starts over. Undefined when it had moved on meanwhile.
 */
export function failApproval(
  deps: Pick<PromotionDeps, "tx" | "promotions" | "audit" | "thread" | "bus" | "log">,
  promotionId: string,
  now: Date,
  how: { detail: string; says: (what: string) => string; alsoInTx?: () => void },
): Promotion | undefined {
  const moved = deps.tx.immediate(() => {
    const promotion = deps.promotions.get(promotionId);
    if (promotion?.state !== "approved") return undefined;
    how.alsoInTx?.();
    return moveTo(deps, promotion, "fail", TOLLGATE_ACTOR, now, { detail: how.detail });
  });
  if (moved !== undefined)
    notify(deps, moved, how.says(`${moved.artifactName} ${shortDigest(moved.digest)}`));
  return moved;
}
