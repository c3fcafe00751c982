/**
 * Which cards exist for an artifact (SPEC §5): the first environment(s) as soon as the artifact
 * is known, and each next environment once the artifact has run (a succeeded deployment) in that
 * environment's `after`.
 */
import { type ContractSet, firstEnvironments } from "../../../domain/contract.js";
import type { DeploymentReader } from "../../../flows/ports.js";

export function cardEnvironments(
  set: ContractSet,
  deployments: Pick<DeploymentReader, "latestSuccessOf">,
  digest: string,
): string[] {
  const targets = new Set(firstEnvironments(set));
  for (const environment of set.order) {
    const after = set.contracts.get(environment)?.after;
    if (after !== undefined && deployments.latestSuccessOf(digest, after) !== undefined)
      targets.add(environment);
  }
  return set.order.filter((env) => targets.has(env) && set.contracts.get(env)?.channel !== undefined);
}

/** Environments whose cards change when `environment` changes: itself, and those reading it. */
export function dependentEnvironments(set: ContractSet, environment: string): string[] {
  return set.order.filter((env) => {
    const c = set.contracts.get(env);
    return (
      env === environment ||
      c?.after === environment ||
      c?.artifact.sameAs === environment ||
      c?.drift?.compareTo === environment
    );
  });
}
