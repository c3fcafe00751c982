/**
 * Who may request, approve and reject a promotion (SPEC §5 Authorisation). Group membership is an
 * input — the flow resolves the user groups named in the contract beforehand — so this stays pure
 * and a group change between request and click is seen simply by resolving again.
 */
import type { ErrorCode } from "../errors.js";
import type { Contract } from "./contract.js";
import { mention, TOLLGATE_ACTOR, who } from "./mention.js";
import type { ApprovalFact } from "./readiness.js";

/** The acting user plus the ids of the user groups (`S…`) they belong to, resolved by the caller. */
export interface Actor {
  userId: string;
  groups: ReadonlySet<string>;
}

export type Decision = { allowed: true } | { allowed: false; code: ErrorCode; reason: string };

export interface ApprovalRecord {
  userId: string;
  decision: "approve" | "reject";
  digest: string;
  contractRevision: string;
  at: Date;
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;

/** User ids are `U…` or, on Enterprise Grid, `W…`; both identify a person the same way. */
export function isUserId(id: string): boolean {
  return USER_ID.test(id);
}

export function isGroupId(id: string): boolean {
  return GROUP_ID.test(id);
}

/** The user-group ids a list names, so the caller knows which memberships to resolve. */
export function groupsIn(list: readonly string[] | undefined): string[] {
  return (list ?? []).filter(isGroupId);
}

export function isListed(list: readonly string[], actor: Actor): boolean {
  return list.some((id) => id === actor.userId || (isGroupId(id) && actor.groups.has(id)));
}

export function mayRequest(contract: Contract, actor: Actor): Decision {
  if (contract.requesters === undefined || isListed(contract.requesters, actor)) return { allowed: true };
  return {
    allowed: false,
    code: "requester_not_allowed",
    reason: `${who(actor.userId)} is not in ${contract.environment}'s requesters (${contract.requesters.map(mention).join(", ")})`,
  };
}

/** Approvers of an environment; with no `approvals` block nobody approves (none are needed). */
export function isApprover(contract: Contract, actor: Actor): boolean {
  return contract.approvals !== undefined && isListed(contract.approvals.approvers, actor);
}

export function mayApprove(contract: Contract, actor: Actor, requestedBy: string): Decision {
  if (!isApprover(contract, actor)) {
    const list = contract.approvals?.approvers.map(mention).join(", ") ?? "none configured";
    return {
      allowed: false,
      code: "approver_not_allowed",
      reason: `${who(actor.userId)} is not an approver for ${contract.environment} (approvers: ${list})`,
    };
  }
  if (actor.userId === requestedBy && contract.approvals?.selfApproval !== true) {
    return {
      allowed: false,
      code: "self_approval_not_allowed",
      reason: `${who(actor.userId)} requested this promotion and ${contract.environment} does not allow self-approval`,
    };
  }
  return { allowed: true };
}

/** Only approvers reject; a requester who is also an approver may withdraw their own request. */
export function mayReject(contract: Contract, actor: Actor): Decision {
  if (isApprover(contract, actor)) return { allowed: true };
  return {
    allowed: false,
    code: "approver_not_allowed",
    reason: `${who(actor.userId)} is not an approver for ${contract.environment}`,
  };
}

/** Whether an environment names approvers at all; without any, its requesters stand in for them. */
export function hasApprovers(contract: Contract): boolean {
  return contract.approvals !== undefined && contract.approvals.approvers.length > 0;
}

export interface LockContext {
  /** Who set the lock now on the target, if any: locking over it replaces it, unlocking ends it. */
  lockedBy?: string | undefined;
  /** Whether that lock was set by Tollgate or by an approver of some environment. */
  lockedByApprover?: boolean | undefined;
  /** Whether any environment names approvers, and whether the actor is one of them somewhere. */
  approvers?: { anywhere: boolean; actorIsOne: boolean } | undefined;
}

function lockRefused(reason: string): Decision {
  return { allowed: false, code: "lock_not_allowed", reason };
}

/**
 * SPEC §5: approvers may lock and unlock. An environment without approvers is locked and unlocked
 * by its requesters (anyone, when requesters is omitted) — except a lock that Tollgate (after a
 * rollback) or an approver of some environment set: lifting or replacing that one needs an
 * approver (of any environment, as this one names none) or whoever set it, so a brake pulled with
 * authority is not released by whoever happens to be around. Only when no environment names
 * approvers do requesters lift it, or nobody could.
 */
export function mayLock(contract: Contract, actor: Actor, context: LockContext = {}): Decision {
  if (hasApprovers(contract)) {
    return isApprover(contract, actor)
      ? { allowed: true }
      : lockRefused(`only ${contract.environment}'s approvers may lock or unlock it`);
  }
  const { lockedBy } = context;
  const setWithAuthority = lockedBy === TOLLGATE_ACTOR || context.lockedByApprover === true;
  if (lockedBy !== undefined && lockedBy !== actor.userId && setWithAuthority) {
    if (context.approvers?.anywhere === true && !context.approvers.actorIsOne) {
      return lockRefused(
        lockedBy === TOLLGATE_ACTOR
          ? `Tollgate locked ${contract.environment} after a rollback; only an approver may lift it`
          : `${mention(lockedBy)} (an approver) locked ${contract.environment}; only an approver or they may lift or replace it`,
      );
    }
    if (context.approvers?.actorIsOne === true) return { allowed: true };
  }
  const asRequester = mayRequest(contract, actor);
  return asRequester.allowed ? asRequester : lockRefused(asRequester.reason);
}

/**
 * `lock all` / `unlock all` stop and restart the whole line: an approver of at least one
 * environment. With no approvers anywhere, someone who may lock every environment.
 */
export function mayLockAll(entries: readonly { contract: Contract; actor: Actor }[]): Decision {
  const guarded = entries.filter((e) => hasApprovers(e.contract));
  if (guarded.length === 0) {
    const refused = entries.map((e) => mayLock(e.contract, e.actor)).find((d) => !d.allowed);
    return refused ?? { allowed: true };
  }
  return guarded.some((e) => isApprover(e.contract, e.actor))
    ? { allowed: true }
    : lockRefused("only an approver of at least one environment may lock or unlock all");
}

/**
 * The approvals that count now: distinct users, each bound to this digest and the contract's
 * current revision, never the requester unless self-approval is on, and only people who are
 * approvers at the time of asking (`stillApprover`).
 */
export function countingApprovers(
  contract: Pick<Contract, "revision" | "approvals">,
  promotion: { digest: string; requestedBy: string },
  records: readonly ApprovalRecord[],
  stillApprover: (userId: string) => boolean,
): string[] {
  const counted = new Set<string>();
  for (const record of records) {
    if (record.decision !== "approve") continue;
    if (record.digest !== promotion.digest || record.contractRevision !== contract.revision) continue;
    if (record.userId === promotion.requestedBy && contract.approvals?.selfApproval !== true) continue;
    if (!stillApprover(record.userId)) continue;
    counted.add(record.userId);
  }
  return [...counted];
}

/**
 * Who approved a promotion, as the card and the read API show it. While it is requested: the
 * approvals that count under the contract now. Once decided: those under the revision it was
 * approved with, so a later edit of the contract does not erase who let it through.
 */
export function approversOf(
  promotion: { state: string; digest: string; requestedBy: string; contractRevision: string },
  contract: Pick<Contract, "revision" | "approvals"> | undefined,
  records: readonly ApprovalRecord[],
): string[] {
  if (promotion.state === "requested")
    return contract === undefined ? [] : countingApprovers(contract, promotion, records, () => true);
  const asApproved = { revision: promotion.contractRevision, approvals: contract?.approvals };
  return countingApprovers(asApproved, promotion, records, () => true);
}

/**
 * Recorded approvals as readiness facts. Each approver was authorised at their click; the
 * approvals check still drops those for another digest or revision and the requester's own.
 */
export function approvalFacts(records: readonly ApprovalRecord[]): ApprovalFact[] {
  return records
    .filter((r) => r.decision === "approve")
    .map((r) => ({
      userId: r.userId,
      at: r.at,
      digest: r.digest,
      contractRevision: r.contractRevision,
      isApprover: true,
    }));
}

export function requiredApprovals(contract: Contract): number {
  return contract.approvals?.required ?? 0;
}

/** One rejection ends the request, whoever else approved. */
export function rejectionOf(records: readonly ApprovalRecord[]): ApprovalRecord | undefined {
  return records.find((record) => record.decision === "reject");
}

export function expiryFor(contract: Contract, requestedAt: Date): Date | undefined {
  const ms = contract.approvals?.expireAfterMs;
  return ms === undefined ? undefined : new Date(requestedAt.getTime() + ms);
}
