/**
 * An Approve click (SPEC §5), in a fixed order: validate → authorise the actor (groups resolved
 * now, not at request time) → re-evaluate the contract at the click → return early if this
 * person's approval already counts → record approval, transition and hand-off in ONE write
 * transaction with the audit entries → notify, best-effort, after commit.
 *
 * NOTE: the count and the transition happen inside BEGIN IMMEDIATE with a compare-and-set on the
 * state, so any number of simultaneous clicks produce one `approved` and one outbox row.
 */

import {
  type ApprovalRecord,
  approvalFacts,
  countingApprovers,
  mayApprove,
  requiredApprovals,
} from "../domain/approval-policy.js";
import { shortDigest } from "../domain/artifact.js";
import type { Contract } from "../domain/contract.js";
import { who } from "../domain/mention.js";
import { isExpired, type Promotion } from "../domain/promotion.js";
import { CodedError } from "../errors.js";
import { scheduleExecution } from "./execute-promotion.js";
import { expireOne } from "./expire-promotions.js";
import {
  blockers,
  contractFor,
  describeBlockers,
  moveTo,
  notify,
  type PromotionDeps,
  promotionFact,
  resolveActor,
} from "./promotion-deps.js";

export type ApproveOutcome =
  | { status: "recorded"; promotion: Promotion; approvedBy: string[]; required: number; message: string }
  | { status: "approved"; promotion: Promotion; approvedBy: string[]; required: number; message: string }
  | { status: "already_approved"; promotion: Promotion; message: string };

export function loadOpen(
  deps: PromotionDeps,
  promotionId: string,
): { promotion: Promotion; contract: Contract } {
  const promotion = deps.promotions.get(promotionId);
  if (!promotion) throw new CodedError("not_found", `No promotion ${promotionId}`);
  return { promotion, contract: contractFor(deps, promotion.environment) };
}

function notOpen(promotion: Promotion): CodedError {
  return new CodedError(
    "promotion_not_open",
    `This promotion is ${promotion.state}${promotion.detail ? ` (${promotion.detail})` : ""}; nothing to approve.`,
  );
}

/**
 * Earlier approvers are re-resolved at the click, so someone who left the group no longer counts.
 * Returns those who are no longer approvers; approvals recorded after this look-up were
 * authorised at their own click, moments ago, and count.
 */
async function formerApprovers(deps: PromotionDeps, contract: Contract, records: readonly ApprovalRecord[]) {
  const former = new Set<string>();
  for (const record of records) {
    const actor = await resolveActor(deps, record.userId, [contract.approvals?.approvers]);
    if (!mayApprove(contract, actor, "").allowed) former.add(record.userId);
  }
  return former;
}

export async function approvePromotion(
  deps: PromotionDeps,
  input: { userId: string; promotionId: string },
): Promise<ApproveOutcome> {
  const { promotion, contract } = loadOpen(deps, input.promotionId);
  const actor = await resolveActor(deps, input.userId, [contract.approvals?.approvers]);
  const allowed = mayApprove(contract, actor, promotion.requestedBy);
  if (!allowed.allowed) throw new CodedError(allowed.code, allowed.reason);
  const now = deps.clock.now();
  if (isExpired(promotion, contract.approvals?.expireAfterMs, now)) {
    expireOne(deps, promotion, now);
    throw new CodedError(
      "promotion_expired",
      "This promotion expired before it had enough approvals; request it again.",
    );
  }
  const records = deps.promotions.decisions(promotion.id);
  const mine = records.find((r) => r.userId === input.userId);
  const counts = mine?.decision === "approve" && mine.contractRevision === contract.revision;
  if (promotion.state !== "requested") {
    if (counts)
      return {
        status: "already_approved",
        promotion,
        message: `You already approved; it is ${promotion.state}.`,
      };
    throw notOpen(promotion);
  }
  const former = await formerApprovers(
    deps,
    contract,
    records.filter((r) => r.userId !== input.userId),
  );
  // NOTE: from here to the commit there is no await, so nothing can change between the
  // re-evaluation and the record (better-sqlite3 is synchronous, one writer per process).
  const at = deps.clock.now();
  if (promotion.kind !== "rollback") recheckContract(deps, promotion, contract, records);
  if (counts) return { status: "already_approved", promotion, message: "Your approval is already recorded." };
  return await record(deps, promotion, contract, input.userId, former, at);
}

/** Evidence that failed since the request, a freeze that began, a lock: refused with the reason. */
function recheckContract(
  deps: PromotionDeps,
  promotion: Promotion,
  contract: Contract,
  records: readonly ApprovalRecord[],
): void {
  const facts = approvalFacts(records);
  const readiness = deps.readiness.evaluate(promotion.digest, promotion.environment, {
    promotion: promotionFact(promotion, facts),
  });
  const blocking = blockers(readiness.checks);
  if (blocking.length === 0) return;
  throw new CodedError(
    "contract_not_satisfied",
    `Not approved: the contract for ${contract.environment} no longer holds for ${shortDigest(promotion.digest)}:\n${describeBlockers(blocking)}`,
    { details: blocking },
  );
}

async function record(
  deps: PromotionDeps,
  promotion: Promotion,
  contract: Contract,
  userId: string,
  former: ReadonlySet<string>,
  now: Date,
): Promise<ApproveOutcome> {
  const rebound = promotion.contractRevision !== contract.revision;
  // Relaxed: twenty clicks at once would otherwise wait for twenty syncs of the disk in a row on
  // the event loop. Nobody hears of the approval (card, hand-off, answer) before it is durable.
  const result = deps.tx.relaxed(() => {
    const fresh = deps.promotions.get(promotion.id);
    if (fresh?.state !== "requested") return { fresh: fresh ?? promotion, moved: undefined, approvedBy: [] };
    deps.promotions.recordDecision(promotion.id, {
      userId,
      decision: "approve",
      digest: promotion.digest,
      contractRevision: contract.revision,
      at: now,
    });
    if (fresh.contractRevision !== contract.revision) deps.promotions.rebind(promotion.id, contract.revision);
    const current = { ...fresh, contractRevision: contract.revision };
    const approvedBy = countingApprovers(
      contract,
      current,
      deps.promotions.decisions(promotion.id),
      (u) => !former.has(u),
    );
    deps.audit.append(
      {
        actor: userId,
        action: "approval.granted",
        subject: promotion.id,
        data: {
          digest: promotion.digest,
          contract_revision: contract.revision,
          counted: approvedBy.length,
          required: requiredApprovals(contract),
          rebound_from: rebound ? promotion.contractRevision : undefined,
        },
      },
      now,
    );
    if (approvedBy.length < requiredApprovals(contract))
      return { fresh: current, moved: undefined, approvedBy };
    const moved = moveTo(deps, current, "approve", userId, now, { approved_by: approvedBy });
    const enqueued = moved !== undefined && scheduleExecution(deps, moved, contract, approvedBy, now);
    return { fresh: moved ?? current, moved, approvedBy, enqueued };
  });
  await deps.tx.durable();
  if (result.fresh.state !== "requested" && result.moved === undefined) throw notOpen(result.fresh);
  const required = requiredApprovals(contract);
  const note = rebound ? " The contract changed since the request: earlier approvals no longer count." : "";
  const tally = `:white_check_mark: Approved by ${who(userId)} (${result.approvedBy.length}/${required})`;
  const text = result.moved
    ? `${tally}: ${promotion.artifactName} ${shortDigest(promotion.digest)} may enter ${promotion.environment}.${note}`
    : `${tally}; ${required - result.approvedBy.length} more needed.${note}`;
  // Every approval is an event in the card's thread (who, when, the tally), not only the last one.
  notify(deps, result.fresh, text);
  // The card first, then the hand-off: the person who clicked is waiting for it, the deployer is not.
  if ("enqueued" in result && result.enqueued) deps.onEnqueued?.();
  const status = result.moved ? "approved" : "recorded";
  return { status, promotion: result.fresh, approvedBy: result.approvedBy, required, message: text };
}
