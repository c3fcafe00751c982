/**
 * The inputs and output of `evaluateContract` (SPEC §4, §3.6). Every fact is data gathered by
 * an adapter beforehand, so evaluation is pure and `now` is an argument.
 */
import type { Artifact } from "./artifact.js";
import type { Deployment, Evidence, Snapshot } from "./evidence.js";

export type CheckStatus = "passed" | "failed" | "pending" | "stale" | "waiting";
export type Verdict = "ready" | "waiting" | "blocked";

export interface Check {
  /** Stable ids: `artifact:after`, `artifact:same_as`, `artifact:soak`, `artifact:max_age`, `evidence:<name|kind>`,
   * `drift`, `freeze`, `lock`, `approvals`. */
  id: string;
  status: CheckStatus;
  /** One line a person understands: "`e2e` failed on sha256:4f2a…c91 (run 8812)". */
  reason: string;
  /** Extra structured detail for the Details modal (e.g. drift differences). */
  detail?: unknown;
}

export interface Lock {
  environment: string | "*";
  reason: string;
  lockedBy: string;
  lockedAt: Date;
  expiresAt?: Date | undefined;
}

export interface ApprovalFact {
  userId: string;
  at: Date;
  digest: string;
  contractRevision: string;
  /** Resolved by the caller from user ids and user groups at the time of evaluation. */
  isApprover: boolean;
}

export interface PromotionFact {
  id: string;
  requestedBy: string;
  requestedAt: Date;
  digest: string;
  contractRevision: string;
  approvals: ApprovalFact[];
  /** Set when an approver overrode a freeze, with their reason. */
  freezeOverride?: { by: string; reason: string } | undefined;
}

export interface ReadinessFacts {
  artifact: Artifact;
  /** Evidence for this digest and for its commit, in any order. */
  evidence: Evidence[];
  /**
   * Deployments into the upstream environment (`artifact.same_as`, else `after`), any order,
   * all digests.
   */
  upstreamDeployments: Deployment[];
  /**
   * Deployments into `after` when `same_as` names another environment (then `upstreamDeployments`
   * holds `same_as`'s). Omitted otherwise: `after` is then the upstream environment itself.
   */
  afterDeployments?: Deployment[] | undefined;
  /** Newest snapshot of this environment and of `drift.compare_to`, when known. */
  snapshots: { here?: Snapshot | undefined; there?: Snapshot | undefined };
  locks: Lock[];
  /** Present when a promotion is open (or on its way); then `approvals` counts its approvals. */
  promotion?: PromotionFact | undefined;
  /**
   * Set when the question is "may it enter now?" (the read API, `tollgate assert`) rather than
   * "may it be requested?" (the card's Request button). Without an open promotion, `approvals`
   * then says whether it was let in (`approvedBy`: the promotion that deployed what runs there)
   * or that nobody has approved it yet (`none`).
   */
  entry?: { approvedBy: string[] } | "none" | undefined;
}

export interface Readiness {
  environment: string;
  digest: string;
  verdict: Verdict;
  checks: Check[];
  contractRevision: string;
  evaluatedAt: Date;
}
