/**
 * The `approvals` clause (SPEC §4, §5), checked only while a promotion is open. An approval
 * counts when it comes from an approver, for this digest and this contract revision (a changed
 * contract or artifact asks again), and not from the requester unless `self_approval`. The
 * request expires `expire_after` after it was made; exactly at that moment it is still open.
 */
import { shortDigest } from "./artifact.js";
import type { ApprovalPolicy, Contract } from "./contract.js";
import { formatAge, formatDuration } from "./duration.js";
import { who } from "./mention.js";
import type { ApprovalFact, Check, PromotionFact, ReadinessFacts } from "./readiness.js";

type Dropped = "not_approver" | "other_digest" | "other_revision" | "self";

const NOTES: Record<Dropped, (n: number) => string> = {
  other_revision: (n) => `${n} for an earlier contract revision no longer count${n === 1 ? "s" : ""}`,
  other_digest: (n) => `${n} for another digest ${n === 1 ? "does" : "do"} not count`,
  self: () => "the requester's own approval does not count",
  not_approver: (n) => `${n} from non-approvers ignored`,
};

function whyDropped(
  a: ApprovalFact,
  policy: ApprovalPolicy,
  promotion: PromotionFact,
  contract: Contract,
  digest: string,
): Dropped | undefined {
  if (a.digest !== digest) return "other_digest";
  if (a.contractRevision !== contract.revision) return "other_revision";
  if (!a.isApprover) return "not_approver";
  if (!policy.selfApproval && a.userId === promotion.requestedBy) return "self";
  return undefined;
}

/** Without an open promotion, for the "may it enter now?" question (ReadinessFacts.entry). */
function entryCheck(policy: ApprovalPolicy, entry: ReadinessFacts["entry"]): Check | undefined {
  if (entry === undefined || policy.required === 0) return undefined;
  if (entry === "none") {
    const reason = `needs ${policy.required} approval${policy.required === 1 ? "" : "s"}: no promotion requested yet`;
    return { id: "approvals", status: "waiting", reason };
  }
  const by = entry.approvedBy.map(who).join(", ");
  return { id: "approvals", status: "passed", reason: `approved${by ? ` by ${by}` : ""}` };
}

export function checkApprovals(contract: Contract, facts: ReadinessFacts, now: Date): Check | undefined {
  const policy = contract.approvals;
  const promotion = facts.promotion;
  if (policy === undefined) return undefined;
  const id = "approvals";
  if (promotion === undefined) return entryCheck(policy, facts.entry);
  const digest = facts.artifact.digest;
  if (promotion.digest !== digest) {
    return { id, status: "failed", reason: `the open promotion is for ${shortDigest(promotion.digest)}` };
  }
  const age = now.getTime() - promotion.requestedAt.getTime();
  if (policy.expireAfterMs !== undefined && age > policy.expireAfterMs) {
    const reason = `approval request expired (${formatAge(age)} old, expire_after ${formatDuration(policy.expireAfterMs)})`;
    return { id, status: "failed", reason };
  }
  const counted = new Set<string>();
  const dropped = new Map<Dropped, Set<string>>();
  for (const a of promotion.approvals) {
    const why = whyDropped(a, policy, promotion, contract, digest);
    if (why === undefined) counted.add(a.userId);
    else dropped.set(why, (dropped.get(why) ?? new Set()).add(a.userId));
  }
  const notes = [...dropped]
    .filter(([, users]) => [...users].some((u) => !counted.has(u)))
    .map(([why, users]) => NOTES[why]([...users].filter((u) => !counted.has(u)).length));
  const approvers = [...counted].map(who).join(", ");
  const tally = `${counted.size} of ${policy.required} approvals${approvers ? `: ${approvers}` : ""}`;
  const reason = notes.length > 0 ? `${tally} (${notes.join("; ")})` : tally;
  const detail = { approvedBy: [...counted], required: policy.required };
  return { id, status: counted.size >= policy.required ? "passed" : "waiting", reason, detail };
}
