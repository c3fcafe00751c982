/**
 * The deployment report completes a promotion (SPEC §3.2, §3.5): when a `succeeded` deployment of
 * the promotion's digest into its environment is reported after the approval, the promotion is
 * `deployed`; a `failed` one makes it `failed`. Reports from before the approval (a manual deploy
 * or a failed attempt while people were still deciding) are not this promotion's. Driven by the change bus, so intake needs no
 * knowledge of promotions.
 */

import { shortDigest } from "../domain/artifact.js";
import type { Deployment } from "../domain/evidence.js";
import { link, TOLLGATE_ACTOR } from "../domain/mention.js";
import { LIVE_STATES, type Promotion } from "../domain/promotion.js";
import { applyLock } from "./lock-environment.js";
import { moveTo, notify, type PromotionDeps } from "./promotion-deps.js";

type CompleteDeps = Pick<
  PromotionDeps,
  "promotions" | "deployments" | "contracts" | "audit" | "tx" | "thread" | "bus" | "log" | "locks" | "clock"
>;

function latestReport(deps: CompleteDeps, promotion: Promotion): Deployment | undefined {
  // NOTE: live promotions have approvedAt (migration 0006 backfills it from the ledger); the
  // fallback is the approval itself for a row still in `approved`.
  const since = promotion.approvedAt ?? promotion.stateChangedAt;
  return deps.deployments
    .deploymentsIn(promotion.environment, since)
    .filter((d) => d.digest === promotion.digest && d.status !== "started")
    .sort((a, b) => b.deployedAt.getTime() - a.deployedAt.getTime() || b.sequence - a.sequence)[0];
}

export function completeOne(deps: CompleteDeps, promotion: Promotion, now: Date): Promotion | undefined {
  const report = latestReport(deps, promotion);
  if (report === undefined) return undefined;
  const event = report.status === "succeeded" ? "deployed" : "fail";
  const moved = deps.tx.immediate(() => {
    const fresh = deps.promotions.get(promotion.id);
    if (fresh === undefined || !LIVE_STATES.includes(fresh.state)) return undefined;
    const detail = event === "fail" ? `deployment ${report.id} failed` : undefined;
    return moveTo(deps, fresh, event, TOLLGATE_ACTOR, now, {
      deployment: report.id,
      deployed_at: report.deployedAt.toISOString(),
      ...(detail ? { detail } : {}),
    });
  });
  if (moved) {
    const what = `${moved.artifactName} ${shortDigest(moved.digest)}`;
    const text =
      moved.state === "deployed"
        ? `:tada: Deployed ${what} to ${moved.environment}${report.url ? ` (${link(report.url, "deployment")})` : ""}.`
        : `:x: Deployment of ${what} to ${moved.environment} failed${report.url ? ` (${link(report.url, "deployment")})` : ""}.`;
    notify(deps, moved, text);
    if (moved.state === "deployed" && moved.kind === "rollback") lockAfterRollback(deps, moved, what);
  }
  return moved;
}

/**
 * SPEC §4 `rollback.lock: true`: the environment is locked after a rollback, proposed or automatic.
 * An automatic one locked it when it fired (so nothing was promoted while it ran); a proposed one
 * locks it here, once the rollback is deployed, so the bad build is not promoted straight back.
 */
function lockAfterRollback(deps: CompleteDeps, rollback: Promotion, what: string): void {
  const contract = deps.contracts.current().contracts.get(rollback.environment);
  if (contract?.rollback?.lock !== true) return;
  if (deps.locks.activeLocks(rollback.environment, deps.clock.now()).length > 0) return;
  applyLock(deps, {
    userId: TOLLGATE_ACTOR,
    environment: rollback.environment,
    reason: `rolled back to ${what} (the contract locks ${rollback.environment} after a rollback)`,
  });
  notify(
    deps,
    rollback,
    `:lock: ${rollback.environment} is locked after the rollback (\`rollback.lock\`); lift it with \`/promote unlock ${rollback.environment}\`.`,
  );
  deps.bus.publish({ type: "environment_changed", environment: rollback.environment });
}

/**
 * A request still waiting for approvals whose digest was deployed there anyway (a manual deploy,
 * a pipeline that does not ask Tollgate): nothing is left to approve, and an approval now would
 * leave an `approved` promotion no report ever completes. It is closed as superseded, saying so.
 */
function closeOvertaken(deps: CompleteDeps, promotion: Promotion, now: Date): Promotion | undefined {
  const report = deps.deployments.latestSuccessOf(promotion.digest, promotion.environment);
  // Strictly after: what ran before (a rollback's target) was deployed before it was asked for.
  if (report === undefined || report.deployedAt.getTime() <= promotion.requestedAt.getTime())
    return undefined;
  const detail = `deployed to ${promotion.environment} outside Tollgate (deployment ${report.id}) before it was approved`;
  const moved = deps.tx.immediate(() => {
    const fresh = deps.promotions.get(promotion.id);
    if (fresh?.state !== "requested") return undefined;
    return moveTo(deps, fresh, "supersede", TOLLGATE_ACTOR, now, { detail, deployment: report.id });
  });
  if (moved)
    notify(
      deps,
      moved,
      `:warning: ${moved.artifactName} ${shortDigest(moved.digest)} was ${detail}: this request is closed.`,
    );
  return moved;
}

/** Checks live promotions (and requests overtaken by a deployment) for the given digests, or for an environment. */
export function completeDeployments(
  deps: CompleteDeps,
  scope: { digests?: readonly string[]; environment?: string },
  now: Date,
): Promotion[] {
  const states = [...LIVE_STATES, "requested" as const];
  const candidates: Promotion[] = [];
  if (scope.environment !== undefined)
    candidates.push(...deps.promotions.inEnvironment(scope.environment, states));
  for (const digest of scope.digests ?? []) {
    for (const environment of deps.contracts.current().order) {
      candidates.push(...deps.promotions.forDigest(digest, environment, states));
    }
  }
  const seen = new Set<string>();
  return candidates.flatMap((p) => {
    if (seen.has(p.id)) return [];
    seen.add(p.id);
    const moved = p.state === "requested" ? closeOvertaken(deps, p, now) : completeOne(deps, p, now);
    return moved ?? [];
  });
}
