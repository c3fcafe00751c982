/**
 * Requests that waited longer than `expire_after` expire (SPEC §4), and locks given a duration
 * end; both are recorded in the ledger and announced. Run by a periodic job and at each click.
 */

import { TOLLGATE_ACTOR } from "../domain/mention.js";
import { isExpired, type Promotion } from "../domain/promotion.js";
import { moveTo, notify, type PromotionDeps } from "./promotion-deps.js";

export function expireOne(
  deps: Pick<PromotionDeps, "tx" | "promotions" | "audit" | "thread" | "bus" | "log">,
  promotion: Promotion,
  now: Date,
): boolean {
  const moved = deps.tx.immediate(() => moveTo(deps, promotion, "expire", TOLLGATE_ACTOR, now));
  if (moved) notify(deps, moved, "Expired: not enough approvals in time. Request it again with `/promote`.");
  return moved !== undefined;
}

/**
 * Open requests past their contract's `expire_after` as it reads now (isExpired explains); one
 * whose contract is gone keeps the expiry it was given when it was made.
 */
function expiredRequests(deps: Pick<PromotionDeps, "contracts" | "promotions">, now: Date): Promotion[] {
  const contracts = deps.contracts.current().contracts;
  return deps.promotions.recent(["requested"], 10_000).filter((promotion) => {
    const contract = contracts.get(promotion.environment);
    const given = promotion.expiresAt && promotion.expiresAt.getTime() - promotion.requestedAt.getTime();
    const after = contract === undefined ? given : contract.approvals?.expireAfterMs;
    return isExpired(promotion, after, now);
  });
}

export function sweepExpired(deps: PromotionDeps): { promotions: number; locks: number } {
  const now = deps.clock.now();
  let promotions = 0;
  for (const promotion of expiredRequests(deps, now)) if (expireOne(deps, promotion, now)) promotions++;
  const locks = deps.tx.immediate(() => {
    const released = deps.locks.releaseExpired(now);
    for (const lock of released) {
      deps.audit.append(
        {
          actor: TOLLGATE_ACTOR,
          action: "lock.expired",
          subject: lock.environment,
          data: { locked_by: lock.lockedBy, reason: lock.reason, expired_at: lock.expiresAt?.toISOString() },
        },
        now,
      );
    }
    return released;
  });
  for (const lock of locks) deps.bus.publish({ type: "environment_changed", environment: lock.environment });
  return { promotions, locks: locks.length };
}
