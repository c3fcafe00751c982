/**
 * Pull-based CD (no `deploy.webhook`) deploys what `GET /api/v1/promotions?state=approved` lists.
 * Such a promotion must keep satisfying the contract until it is deployed, as a webhook's hand-off
 * must (execute-promotion.ts): a lock, a freeze, a failed check or a contract edit since the
 * approval fails it, so it drops off that list and the card and thread say why. Rollbacks are
 * not gated, as everywhere.
 *
 * NOTE: environments with a webhook are left to the hand-off gate, which checks before every
 * attempt: failing a promotion here while its hook is being sent would race the deployer.
 */
import { shortDigest } from "../domain/artifact.js";
import { TOLLGATE_ACTOR } from "../domain/mention.js";
import { whyNotHandOff } from "./execute-promotion.js";
import { moveTo, notify, type PromotionDeps } from "./promotion-deps.js";

export function failStaleApprovals(deps: PromotionDeps): number {
  let failed = 0;
  for (const contract of deps.contracts.current().contracts.values()) {
    if (contract.deploy?.webhook !== undefined) continue;
    for (const promotion of deps.promotions.inEnvironment(contract.environment, ["approved"], 100)) {
      const why = whyNotHandOff(deps, promotion.id);
      if (why === undefined) continue;
      const now = deps.clock.now();
      const detail = `no longer may enter: ${why}`;
      const moved = deps.tx.immediate(() => {
        const fresh = deps.promotions.get(promotion.id);
        return fresh?.state === "approved"
          ? moveTo(deps, fresh, "fail", TOLLGATE_ACTOR, now, { detail })
          : undefined;
      });
      if (moved === undefined) continue;
      failed++;
      const what = `${moved.artifactName} ${shortDigest(moved.digest)}`;
      notify(
        deps,
        moved,
        `:no_entry: ${what} was approved, but ${why}\nIt is no longer listed as approved; request it again when the contract holds.`,
      );
    }
  }
  return failed;
}
