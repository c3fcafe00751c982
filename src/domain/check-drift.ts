/**
 * The `drift` clause (SPEC §4): a missing snapshot is pending (nothing to judge yet), an old one
 * is stale (judging it would trust a picture of the past), an over-budget category fails.
 */
import { computeDrift } from "./compute-drift.js";
import type { Contract, DriftPolicy } from "./contract.js";
import type { DriftResult } from "./drift.js";
import { formatAge, formatDuration } from "./duration.js";
import type { Snapshot } from "./evidence.js";
import type { Check, ReadinessFacts } from "./readiness.js";

// NOTE: bulk evaluation hands the same snapshot objects to every artifact of an environment;
// remembering the result per (policy, here, there) keeps 10,000 verdicts from diffing 10,000 times.
const memo = new WeakMap<object, WeakMap<Snapshot, WeakMap<Snapshot, DriftResult>>>();

function driftOf(policy: DriftPolicy, here: Snapshot, there: Snapshot): DriftResult {
  const byHere = memo.get(policy) ?? new WeakMap<Snapshot, WeakMap<Snapshot, DriftResult>>();
  memo.set(policy, byHere);
  const byThere = byHere.get(here) ?? new WeakMap<Snapshot, DriftResult>();
  byHere.set(here, byThere);
  const known = byThere.get(there);
  if (known) return known;
  const result = computeDrift(here.config, there.config, {
    allow: policy.allow,
    ignore: policy.ignore,
    normalize: policy.normalize,
  });
  byThere.set(there, result);
  return result;
}

function tooOld(snapshot: Snapshot, maxAgeMs: number | undefined, now: Date): number | undefined {
  if (maxAgeMs === undefined) return undefined;
  const age = now.getTime() - snapshot.takenAt.getTime();
  return age > maxAgeMs ? age : undefined;
}

export function checkDrift(contract: Contract, facts: ReadinessFacts, now: Date): Check | undefined {
  const policy = contract.drift;
  if (policy === undefined) return undefined;
  const id = "drift";
  const { here, there } = facts.snapshots;
  const missing = [here ? undefined : contract.environment, there ? undefined : policy.compareTo].filter(
    (env) => env !== undefined,
  );
  if (!here || !there) {
    return { id, status: "pending", reason: `no configuration snapshot of ${missing.join(" or ")} yet` };
  }
  let detail: DriftResult;
  try {
    detail = driftOf(policy, here, there);
  } catch (error) {
    // Fail closed: a rule the comparison cannot apply must block, not crash every card.
    return {
      id,
      status: "failed",
      reason: `drift vs ${policy.compareTo} could not be computed: ${String(error)}`,
    };
  }
  const stale = [
    [contract.environment, tooOld(here, policy.maxSnapshotAgeMs, now)] as const,
    [policy.compareTo, tooOld(there, policy.maxSnapshotAgeMs, now)] as const,
  ].filter(([, age]) => age !== undefined);
  if (stale.length > 0 && policy.maxSnapshotAgeMs !== undefined) {
    const which = stale.map(([env, age]) => `${env} is ${formatAge(age ?? 0)} old`).join(", ");
    const reason = `snapshot of ${which} (max_snapshot_age ${formatDuration(policy.maxSnapshotAgeMs)})`;
    return { id, status: "stale", reason, detail };
  }
  const over = detail.categories.filter((c) => c.overBudget);
  if (over.length > 0) {
    const list = over.map((c) => `${c.category} ${c.differences.length}/${c.allowed}`).join(", ");
    return { id, status: "failed", reason: `drift vs ${policy.compareTo} over budget: ${list}`, detail };
  }
  const n = detail.totalDifferences;
  const reason = `drift vs ${policy.compareTo} within budget (${n} difference${n === 1 ? "" : "s"})`;
  return { id, status: "passed", reason, detail };
}
