/**
 * Ports the promotion flows need beyond flows/ports.ts: the promotion, lock and outbox stores,
 * one write transaction, and user-group membership. SQLite and Slack adapters satisfy them.
 */
import type { ApprovalRecord } from "../domain/approval-policy.js";
import type { Promotion, PromotionState } from "../domain/promotion.js";
import type { Lock } from "../domain/readiness.js";

export interface PromotionRepository {
  insert(promotion: Promotion): void;
  get(id: string): Promotion | undefined;
  /** Compare-and-set: moves `id` from `from` to `to`; false when it was not in `from` any more. */
  setState(id: string, from: PromotionState, to: PromotionState, at: Date, detail?: string): boolean;
  rebind(id: string, contractRevision: string): void;
  /** Promotions into an environment in any of `states`, newest first. */
  inEnvironment(environment: string, states: readonly PromotionState[], limit?: number): Promotion[];
  /** The newest in any environment (the read API without `?environment=`). */
  recent(states: readonly PromotionState[], limit?: number): Promotion[];
  forDigest(digest: string, environment: string, states?: readonly PromotionState[]): Promotion[];
  /** Which of `digests` have any promotion at all (one read for a burst of evidence). */
  digestsWithPromotions?(digests: readonly string[]): Set<string>;
  /** Newest first; all environments when `environment` is omitted. */
  history(name: string, environment: string | undefined, limit: number): Promotion[];
  decisions(promotionId: string): ApprovalRecord[];
  /** Inserts or replaces this user's decision on the promotion (one row per person). */
  recordDecision(promotionId: string, record: ApprovalRecord, reason?: string): void;
}

export interface LockRepository {
  /** Locks on this environment or on '*' that have not been released and have not expired. */
  activeLocks(environment: string, now: Date): Lock[];
  allActive(now: Date): Lock[];
  /** Replaces any active lock on the same target. */
  lock(lock: Lock): void;
  /** Releases the active lock on the target; false when there was none. */
  unlock(environment: string, by: string, at: Date): boolean;
  /** Marks locks whose time ran out as released; returns them so they can be announced. */
  releaseExpired(now: Date): Lock[];
}

/** `cancelled`: the promotion left `approved` (deployed by pull, failed, …) before it was sent. */
export type OutboxState = "pending" | "in_flight" | "handed_off" | "dead" | "cancelled";

export interface OutboxItem {
  promotionId: string;
  url: string;
  secretEnv: string;
  body: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string | undefined;
}

export interface DeployHookOutbox {
  enqueue(item: { promotionId: string; url: string; secretEnv: string; body: string }, now: Date): void;
  /**
   * Claims due items (pending, or in_flight left behind by a crash) whose promotion is still
   * `approved` and marks them in_flight with `attempts + 1`; `leaseMs` stops two ticks in one
   * process sending the same item at once. Due items whose promotion moved on are `cancelled`.
   */
  claimDue(now: Date, limit: number, leaseMs: number): OutboxItem[];
  /** Whether `claimDue` would find anything to claim or cancel now: a read, no write lock. */
  hasDue(now: Date): boolean;
  markHandedOff(promotionId: string, at: Date): boolean;
  reschedule(promotionId: string, nextAttemptAt: Date, error: string): void;
  markDead(promotionId: string, error: string): void;
  get(promotionId: string): OutboxItem | undefined;
}

export interface RollbackTriggerStore {
  /** False when a trigger for this promotion was already recorded. */
  record(trigger: {
    promotionId: string;
    evidenceId: string;
    action: "propose" | "auto";
    rollbackPromotionId?: string | undefined;
    at: Date;
  }): boolean;
  /**
   * True when a `propose` trigger fired for the promotion that brought `digest` into
   * `environment` and no rollback has been requested since (the card then shows Roll back).
   */
  proposedFor(digest: string, environment: string): boolean;
}

/** One write transaction (SQLite BEGIN IMMEDIATE); audit entries appended inside commit with it. */
export interface Transactor {
  immediate<T>(work: () => T): T;
  /**
   * Like `immediate`, but COMMIT does not wait for the disk (it would block every click behind
   * it): call `durable()` before anything outside the database — Slack, a deploy hook, an answer —
   * relies on what it wrote. Visible to reads at once, lost in a power cut until then.
   */
  relaxed<T>(work: () => T): T;
  /** Resolves once every commit made so far is on disk. */
  durable(): Promise<void>;
}

/**
 * Members of a Slack user group (`usergroups.users.list`), cached briefly. Throws
 * `slack_unavailable` when Slack cannot be asked: authorisation then answers no.
 */
export interface UserGroupResolver {
  membersOf(groupId: string): Promise<ReadonlySet<string>>;
}
