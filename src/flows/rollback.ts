/**
 * Rollback (SPEC §4 `rollback`, §5): `/promote rollback <name> in <env>` proposes promoting the
 * last artifact that satisfied the environment's contract — the newest earlier deployed promotion,
 * else the newest earlier succeeded deployment. A rollback is a promotion of kind `rollback`: it
 * needs the same approvals, but it is not held by locks, freezes or re-evaluation, because it
 * returns to something that already passed and is how an incident is ended.
 */

import { isApprover, mayRequest } from "../domain/approval-policy.js";
import { type Artifact, shortDigest } from "../domain/artifact.js";
import type { Promotion } from "../domain/promotion.js";
import { CodedError } from "../errors.js";
import { contractFor, type PromotionDeps, resolveActor } from "./promotion-deps.js";
import { openPromotion, type RequestOutcome } from "./request-promotion.js";

export interface RollbackTarget {
  artifact: Artifact;
  /** The digest running now, which the rollback replaces. */
  currentDigest?: string | undefined;
  /** The promotion that brought the current digest in, when there was one. */
  rollbackOf?: string | undefined;
}

export function rollbackTarget(
  deps: Pick<PromotionDeps, "promotions" | "deployments" | "artifacts">,
  name: string,
  environment: string,
): RollbackTarget {
  const running = deps.deployments
    .deploymentsIn(environment)
    .filter((d) => d.name === name && d.status === "succeeded")
    .sort((a, b) => b.deployedAt.getTime() - a.deployedAt.getTime() || b.sequence - a.sequence);
  const current = running[0]?.digest;
  const promoted = deps.promotions.history(name, environment, 200).filter((p) => p.state === "deployed");
  const rollbackOf = promoted.find((p) => p.digest === current)?.id;
  const candidates = [...promoted.map((p) => p.digest), ...running.map((d) => d.digest)];
  const digest = candidates.find((d) => d !== current);
  const artifact = digest === undefined ? undefined : deps.artifacts.getArtifact(digest);
  if (!artifact) {
    throw new CodedError(
      "rollback_target_not_found",
      `Nothing to roll back to: no earlier ${name} has been deployed to ${environment}${current ? ` before ${shortDigest(current)}` : ""}.`,
    );
  }
  return { artifact, currentDigest: current, rollbackOf };
}

export async function requestRollback(
  deps: PromotionDeps,
  input: { userId: string; name: string; environment: string; reason?: string | undefined },
): Promise<RequestOutcome> {
  const contract = contractFor(deps, input.environment);
  const actor = await resolveActor(deps, input.userId, [contract.requesters, contract.approvals?.approvers]);
  if (!mayRequest(contract, actor).allowed && !isApprover(contract, actor)) {
    throw new CodedError(
      "requester_not_allowed",
      `<@${input.userId}> may not request rollbacks in ${contract.environment}`,
    );
  }
  const target = rollbackTarget(deps, input.name, input.environment);
  const now = deps.clock.now();
  return openPromotion(deps, contract, rollbackPromotion(deps, target, input, contract.revision, now), now);
}

export function rollbackPromotion(
  deps: Pick<PromotionDeps, "newId">,
  target: RollbackTarget,
  input: { userId: string; environment: string; reason?: string | undefined },
  revision: string,
  now: Date,
): Promotion {
  const from = target.currentDigest ? `roll back from ${shortDigest(target.currentDigest)}` : "roll back";
  return {
    id: deps.newId(),
    kind: "rollback",
    artifactName: target.artifact.name,
    digest: target.artifact.digest,
    fromEnvironment: input.environment,
    environment: input.environment,
    state: "requested",
    requestedBy: input.userId,
    requestedAt: now,
    reason: input.reason ?? from,
    contractRevision: revision,
    rollbackOf: target.rollbackOf,
    stateChangedAt: now,
  };
}
