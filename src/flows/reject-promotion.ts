/** A Reject click (SPEC §5): one rejection by an approver ends the request. */

import { mayReject } from "../domain/approval-policy.js";
import { shortDigest } from "../domain/artifact.js";
import { mention, typed, who } from "../domain/mention.js";
import type { Promotion } from "../domain/promotion.js";
import { CodedError } from "../errors.js";
import { loadOpen } from "./approve-promotion.js";
import { moveTo, notify, type PromotionDeps, resolveActor } from "./promotion-deps.js";

export async function rejectPromotion(
  deps: PromotionDeps,
  input: { userId: string; promotionId: string; reason?: string | undefined },
): Promise<{ promotion: Promotion; message: string; already: boolean }> {
  const { promotion, contract } = loadOpen(deps, input.promotionId);
  const actor = await resolveActor(deps, input.userId, [contract.approvals?.approvers]);
  const allowed = mayReject(contract, actor);
  if (!allowed.allowed) throw new CodedError(allowed.code, allowed.reason);
  if (promotion.state === "rejected") {
    return { promotion, message: "Already rejected.", already: true };
  }
  const now = deps.clock.now();
  const moved = deps.tx.immediate(() => {
    const fresh = deps.promotions.get(promotion.id);
    if (fresh?.state !== "requested") return undefined;
    deps.promotions.recordDecision(
      promotion.id,
      {
        userId: input.userId,
        decision: "reject",
        digest: promotion.digest,
        contractRevision: contract.revision,
        at: now,
      },
      input.reason,
    );
    deps.audit.append(
      {
        actor: input.userId,
        action: "approval.rejected",
        subject: promotion.id,
        data: { digest: promotion.digest, reason: input.reason },
      },
      now,
    );
    return moveTo(deps, fresh, "reject", input.userId, now, {
      detail: `rejected by ${mention(input.userId)}`,
    });
  });
  if (!moved) {
    const current = deps.promotions.get(promotion.id) ?? promotion;
    if (current.state === "rejected")
      return { promotion: current, message: "Already rejected.", already: true };
    throw new CodedError(
      "promotion_not_open",
      `This promotion is ${current.state}; it can no longer be rejected.`,
    );
  }
  const because = input.reason ? `: ${typed(input.reason)}` : "";
  const message = `:no_entry: Rejected by ${who(input.userId)}${because} (${promotion.artifactName} ${shortDigest(promotion.digest)} → ${promotion.environment}).`;
  notify(deps, moved, message);
  return { promotion: moved, message, already: false };
}
