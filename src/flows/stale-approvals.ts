/**
 * Pull-based CD (no `deploy.webhook`) deploys what `GET /api/v1/promotions?state=approved` lists.
 * Such a promotion must keep satisfying the contract until it is deployed, as a webhook's hand-off
 * must (approval-gate.ts): a lock, a freeze, a failed check or a contract edit since the
 * approval fails it, so it drops off that list and the card and thread say why. Rollbacks are
 * not gated, as everywhere.
 *
 * NOTE: a promotion with a hand-off queued is left to the hand-off gate, which checks before every
 * attempt: failing it here while its hook is being sent would race the deployer. One approved
 * while its contract had no webhook has none queued, whatever the contract says now.
 */
import { failApproval, whyNoLongerAllowed } from "./approval-gate.js";
import type { PromotionDeps } from "./promotion-deps.js";

export function failStaleApprovals(deps: PromotionDeps): number {
  let failed = 0;
  // Every environment's, also one whose contract is gone: its promotions no longer may enter.
  for (const promotion of deps.promotions.recent(["approved"], 1_000)) {
    // A hand-off queued for it: the gate before each attempt decides (execute-promotion.ts).
    if (deps.outbox.get(promotion.id) !== undefined) continue;
    const why = whyNoLongerAllowed(deps, promotion.id);
    if (why === undefined) continue;
    const moved = failApproval(deps, promotion.id, deps.clock.now(), {
      detail: `no longer may enter: ${why}`,
      says: (what) =>
        `:no_entry: ${what} was approved, but ${why}\nIt is no longer listed as approved; request it again when the contract holds.`,
    });
    if (moved !== undefined) failed++;
  }
  return failed;
}
