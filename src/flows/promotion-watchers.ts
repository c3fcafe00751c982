/**
 * Background work for promotions: deployment reports complete them, health evidence may trigger
 * rollback, requests expire and locks end. Change events are coalesced and handled after the
 * publisher's turn, so a burst of evidence costs one pass.
 */
import { LIVE_STATES } from "../domain/promotion.js";
import { completeDeployments } from "./complete-deployment.js";
import { sweepExpired } from "./expire-promotions.js";
import { failStaleApprovals } from "./stale-approvals.js";
import { checkRollbackConditions, type RollbackWatchDeps } from "./watch-rollback-conditions.js";

export interface PromotionWatchers {
  /** Handles everything queued so far (tests and shutdown call it directly). */
  flush(): void;
  stop(): void;
}

export function startPromotionWatchers(
  deps: RollbackWatchDeps,
  options: { sweepIntervalMs?: number } = {},
): PromotionWatchers {
  const digests = new Set<string>();
  const environments = new Set<string>();
  let reloaded = false;
  let scheduled: NodeJS.Immediate | undefined;

  const flush = (): void => {
    scheduled = undefined;
    // NOTE: evidence arrives far more often than promotions exist; a digest never promoted has
    // nothing to complete or roll back, so one read skips the per-environment lookups for it.
    const known = deps.promotions.digestsWithPromotions?.([...digests]);
    const ds = known ? [...digests].filter((d) => known.has(d)) : [...digests];
    const envs = [...environments];
    const contractsChanged = reloaded;
    digests.clear();
    environments.clear();
    reloaded = false;
    try {
      const now = deps.clock.now();
      completeDeployments(deps, { digests: ds }, now);
      for (const environment of envs) completeDeployments(deps, { environment }, now);
      const deployedThere = envs.flatMap((env) =>
        deps.promotions.inEnvironment(env, ["deployed", ...LIVE_STATES], 5).map((p) => p.digest),
      );
      checkRollbackConditions(deps, [...new Set([...ds, ...deployedThere])]);
      // Evidence for a digest nobody promoted changes no approval: only then is the check skipped.
      if (ds.length > 0 || envs.length > 0 || contractsChanged) failStaleApprovals(deps);
    } catch (error) {
      deps.log.warn({ err: error }, "promotion watcher failed");
    }
  };

  const unsubscribe = deps.bus.subscribe((event) => {
    if (event.type === "artifact_changed") for (const d of event.digests) digests.add(d);
    else if (event.type === "environment_changed") environments.add(event.environment);
    else if (event.type === "contracts_reloaded") reloaded = true;
    else return;
    scheduled ??= setImmediate(flush);
  });

  const sweep = setInterval(() => {
    try {
      sweepExpired(deps);
      // A freeze window begins with the clock, not with an event.
      failStaleApprovals(deps);
    } catch (error) {
      deps.log.warn({ err: error }, "promotion sweep failed");
    }
  }, options.sweepIntervalMs ?? 30_000);
  sweep.unref();

  return {
    flush,
    stop() {
      unsubscribe();
      clearInterval(sweep);
      if (scheduled) clearImmediate(scheduled);
    },
  };
}
