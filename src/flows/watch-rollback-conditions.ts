/**
 * Rollback conditions (SPEC §4 `rollback`): `health` (or other) evidence matching `rollback.when`
 * within `within` of a promotion into the environment either posts a Roll back button in the
 * card's thread (`propose`) or rolls back at once and, with `lock: true`, locks the environment
 * (`auto`). Each promotion triggers at most once.
 */

import { shortDigest } from "../domain/artifact.js";
import type { Contract, RollbackCondition } from "../domain/contract.js";
import type { Evidence } from "../domain/evidence.js";
import { link, TOLLGATE_ACTOR, typed } from "../domain/mention.js";
import type { Promotion } from "../domain/promotion.js";
import { isCodedError } from "../errors.js";
import { applyLock } from "./lock-environment.js";
import type { EvidenceReader } from "./ports.js";
import { notify, type PromotionDeps } from "./promotion-deps.js";
import type { RollbackTriggerStore } from "./promotion-ports.js";
import { announceOpened, type Opened, openPromotionInTx } from "./request-promotion.js";
import { type RollbackTarget, rollbackPromotion, rollbackTarget } from "./rollback.js";

export interface RollbackWatchDeps extends PromotionDeps {
  evidence: EvidenceReader;
  triggers: RollbackTriggerStore;
}

function matches(condition: RollbackCondition, evidence: Evidence): boolean {
  return (
    evidence.kind === condition.kind &&
    (condition.name === undefined || evidence.name === condition.name) &&
    (condition.status === undefined || evidence.status === condition.status)
  );
}

/**
 * When this promotion went live: its successful deployment, else its approval. NOTE: never
 * earlier than the approval. A digest promoted again after a rollback has an older succeeded
 * deployment and older failed health reports; counted, they rolled it back (and locked) again
 * seconds after the new request, for what happened to the previous run.
 */
function liveSince(deps: RollbackWatchDeps, promotion: Promotion): Date {
  const approved = (promotion.approvedAt ?? promotion.stateChangedAt).getTime();
  const deployed = deps.deployments.latestSuccessOf(promotion.digest, promotion.environment)?.deployedAt;
  return new Date(Math.max(approved, deployed?.getTime() ?? approved));
}

function firstMatch(deps: RollbackWatchDeps, contract: Contract, promotion: Promotion): Evidence | undefined {
  const policy = contract.rollback;
  if (policy === undefined) return undefined;
  const artifact = deps.artifacts.getArtifact(promotion.digest);
  const start = liveSince(deps, promotion).getTime();
  return deps.evidence
    .evidenceFor({ digest: promotion.digest, commit: artifact?.commit })
    .filter((e) => e.environment === undefined || e.environment === promotion.environment)
    .filter((e) => e.observedAt.getTime() >= start && e.observedAt.getTime() <= start + policy.withinMs)
    .sort((a, b) => a.observedAt.getTime() - b.observedAt.getTime() || a.sequence - b.sequence)
    .find((e) => policy.when.some((condition) => matches(condition, e)));
}

export function checkRollbackConditions(deps: RollbackWatchDeps, digests: readonly string[]): string[] {
  const fired: string[] = [];
  for (const contract of deps.contracts.current().contracts.values()) {
    if (contract.rollback === undefined) continue;
    for (const digest of digests) {
      const live = deps.promotions.forDigest(digest, contract.environment, ["deploying", "deployed"]);
      for (const promotion of live.filter((p) => p.kind === "promotion").slice(0, 1)) {
        const evidence = firstMatch(deps, contract, promotion);
        if (evidence && fire(deps, contract, promotion, evidence)) fired.push(promotion.id);
      }
    }
  }
  return fired;
}

/**
 * Records the trigger and, for `auto`, the lock and the rollback promotion in ONE transaction: a
 * crash or throw half-way leaves nothing recorded, so the next matching report tries again
 * (a recorded trigger alone would refuse every retry and the rollback would never happen).
 * Thread events go out after the commit.
 */
function fire(
  deps: RollbackWatchDeps,
  contract: Contract,
  promotion: Promotion,
  evidence: Evidence,
): boolean {
  const policy = contract.rollback!;
  const now = deps.clock.now();
  const why = `\`${typed(evidence.name)}\` ${evidence.status} ${evidence.url ? `(${link(evidence.url, "report")}) ` : ""}after ${promotion.artifactName} ${shortDigest(promotion.digest)} entered ${contract.environment}`;
  const outcome = deps.tx.immediate(() => {
    const trigger = { promotionId: promotion.id, evidenceId: evidence.id, action: policy.action, at: now };
    if (!deps.triggers.record(trigger)) return { fired: false } as const;
    deps.audit.append(
      {
        actor: TOLLGATE_ACTOR,
        action: `rollback.triggered`,
        subject: promotion.id,
        data: { evidence: evidence.id, action: policy.action, environment: contract.environment },
      },
      now,
    );
    const auto = policy.action === "auto" ? autoRollback(deps, contract, promotion, why, now) : {};
    return { fired: true, ...auto } as const;
  });
  if (!outcome.fired) return false;
  if (policy.action === "propose") {
    // The card shows a Roll back button while `triggers.proposedFor` says so; the thread says why.
    notify(
      deps,
      promotion,
      `:rewind: Rollback condition met: ${why}. Use *Roll back* on the card or \`/promote rollback ${promotion.artifactName} in ${contract.environment}\`.`,
    );
    return true;
  }
  if (outcome.opened) {
    // The rolled-back build's own thread tells what happened to it, not only the target's.
    const to = outcome.opened.promotion;
    notify(
      deps,
      promotion,
      `:rewind: Rolling back: ${why}. ${contract.environment} goes back to ${to.artifactName} ${shortDigest(to.digest)}.`,
    );
    announceOpened(deps, contract, to, outcome.opened.result);
  }
  if (outcome.failure)
    notify(deps, promotion, `:rotating_light: Automatic rollback could not start: ${outcome.failure}`);
  deps.bus.publish({ type: "environment_changed", environment: contract.environment });
  return true;
}

interface AutoOutcome {
  opened?: { promotion: Promotion; result: Opened };
  failure?: string;
}

/** Inside the trigger's transaction. Nothing to roll back to is an answer, not a reason to retry. */
function autoRollback(
  deps: RollbackWatchDeps,
  contract: Contract,
  promotion: Promotion,
  why: string,
  now: Date,
): AutoOutcome {
  if (contract.rollback?.lock)
    applyLock(deps, {
      userId: TOLLGATE_ACTOR,
      environment: contract.environment,
      reason: `automatic rollback: ${why}`,
    });
  let target: RollbackTarget;
  try {
    target = rollbackTarget(deps, promotion.artifactName, contract.environment);
  } catch (error) {
    if (isCodedError(error)) return { failure: error.message };
    throw error;
  }
  const rollback = rollbackPromotion(
    deps,
    { ...target, rollbackOf: promotion.id },
    { userId: TOLLGATE_ACTOR, environment: contract.environment, reason: `automatic rollback: ${why}` },
    contract.revision,
    now,
  );
  const result = openPromotionInTx(deps, contract, rollback, now, { autoApprove: true });
  return { opened: { promotion: rollback, result } };
}
