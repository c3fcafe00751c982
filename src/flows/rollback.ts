/**
 * Rollback (SPEC §4 `rollback`, §5): `/promote rollback <name> in <env>` proposes promoting the
 * last artifact that satisfied the environment's contract — walking the environment's succeeded
 * deployments of that name back from when the current digest started running, the first other
 * digest, skipping any a rollback already moved away from (rolling back twice must not return to
 * the artifact the first rollback escaped). A rollback is a promotion of kind `rollback`: it
 * needs the same approvals, but it is not held by locks, freezes or re-evaluation, because it
 * returns to something that already passed and is how an incident is ended.
 */

import { isApprover, mayRequest } from "../domain/approval-policy.js";
import { type Artifact, shortDigest } from "../domain/artifact.js";
import type { Deployment } from "../domain/evidence.js";
import { who } from "../domain/mention.js";
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
  // Newest first: what this environment ran, one succeeded deployment of this name at a time.
  const running = deps.deployments
    .deploymentsIn(environment)
    .filter((d) => d.name === name && d.status === "succeeded")
    .reverse();
  const current = running[0]?.digest;
  const promoted = deps.promotions.history(name, environment, 1_000).filter((p) => p.state === "deployed");
  const rollbackOf = promoted.find((p) => p.digest === current)?.id;
  const rolledBack = rolledBackDigests(running, promoted);
  // Only what ran before the current digest started running, and never what a rollback left.
  const started = running.findIndex((d) => d.digest !== current);
  const digest =
    started < 0
      ? undefined
      : running.slice(started).find((d) => d.digest !== current && !rolledBack.has(d.digest))?.digest;
  const artifact = digest === undefined ? undefined : deps.artifacts.getArtifact(digest);
  if (!artifact) {
    throw new CodedError(
      "rollback_target_not_found",
      `Nothing to roll back to: no earlier ${name} has been deployed to ${environment}${current ? ` before ${shortDigest(current)}` : ""}.`,
    );
  }
  return { artifact, currentDigest: current, rollbackOf };
}

/**
 * Digests a rollback moved away from: for each deployed rollback, the digest of the run just
 * before the deployment that completed it (its digest's first success after the approval).
 * `running` is newest first. NOTE: the digest, not that run: an artifact rolled back once and
 * promoted again later is still not a target "that satisfied the contract" to return to.
 */
function rolledBackDigests(running: readonly Deployment[], promoted: readonly Promotion[]): Set<string> {
  const left = new Set<string>();
  for (const rollback of promoted.filter((p) => p.kind === "rollback")) {
    const since = (rollback.approvedAt ?? rollback.requestedAt).getTime();
    let at = -1;
    running.forEach((d, i) => {
      if (d.digest === rollback.digest && d.deployedAt.getTime() >= since) at = i;
    });
    if (at < 0) continue;
    let i = at + 1;
    while (running[i]?.digest === rollback.digest) i++;
    const from = running[i]?.digest;
    if (from !== undefined) left.add(from);
  }
  return left;
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
      `${who(input.userId)} may not request rollbacks in ${contract.environment}`,
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
