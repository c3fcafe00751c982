/**
 * "May this artifact enter this environment now?" — the read API's and `tollgate assert`'s
 * question (SPEC §1, §3.6), which, unlike the card's "may it be requested?", includes approvals:
 * an environment that needs approvals is not ready for an artifact nobody has approved.
 */
import { approvalFacts, approversOf } from "../domain/approval-policy.js";
import { LIVE_STATES } from "../domain/promotion.js";
import type { EvaluateOptions } from "./evaluate-readiness.js";
import type { DeploymentHistoryReader } from "./ports.js";
import { type PromotionDeps, promotionFact } from "./promotion-deps.js";

export function entryFacts(
  deps: Pick<PromotionDeps, "promotions" | "contracts"> & {
    deployments: Pick<DeploymentHistoryReader, "runningNamed">;
  },
  digest: string,
  environment: string,
): EvaluateOptions {
  const promotion = deps.promotions.forDigest(digest, environment)[0];
  if (promotion === undefined) return { entry: "none" };
  const decisions = deps.promotions.decisions(promotion.id);
  // Open or on its way: judged as that promotion, its approvals counted under the contract now.
  if (promotion.state === "requested" || LIVE_STATES.includes(promotion.state)) {
    return { promotion: promotionFact(promotion, approvalFacts(decisions)) };
  }
  // It came in through an approved promotion and is what runs there now (of its name: an
  // environment runs many services, and another one's deployment changes nothing for this one).
  const running = deps.deployments.runningNamed(environment, promotion.artifactName);
  if (promotion.state === "deployed" && running?.digest === digest) {
    const contract = deps.contracts.current().contracts.get(environment);
    return { entry: { approvedBy: approversOf(promotion, contract, decisions) } };
  }
  return { entry: "none" };
}
