/**
 * The `artifact:` clauses (SPEC §4): the digest passed the `after` stage, the same digest ran
 * upstream, soaked there, and is not too old. Only the artifact's own name counts upstream: other
 * services deploy to staging too.
 *
 * `after` alone is a requirement ("the stage an artifact must pass first"): `artifact:after`
 * passes when this digest runs or ran (a succeeded deployment) in `after`. When `same_as` names
 * the same environment, `artifact:same_as` already says exactly that, so no second check appears.
 */
import { shortDigest } from "./artifact.js";
import type { Contract } from "./contract.js";
import { formatAge, formatDuration } from "./duration.js";
import type { Deployment } from "./evidence.js";
import type { Check, ReadinessFacts } from "./readiness.js";

/** Where `same_as` and `soak` look: `same_as`, else the stage before this one. */
export function upstreamEnvironment(contract: Contract): string | undefined {
  return contract.artifact.sameAs ?? contract.after;
}

/**
 * The `after` environment when it needs deployments of its own (`same_as` names another
 * environment); `ReadinessFacts.afterDeployments` then holds them.
 */
export function separateAfterEnvironment(contract: Contract): string | undefined {
  const { after } = contract;
  const sameAs = contract.artifact.sameAs;
  return after !== undefined && sameAs !== undefined && sameAs !== after ? after : undefined;
}

/** Time, then arrival; the digest only so that malformed duplicates still order the same way. */
function byTime(a: Deployment, b: Deployment): number {
  return (
    a.deployedAt.getTime() - b.deployedAt.getTime() ||
    a.sequence - b.sequence ||
    (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0)
  );
}

interface Residency {
  /** The latest succeeded deployment of this digest. */
  since: Deployment;
  /** The first succeeded deployment of another digest of the same name after it, if any. */
  replacedBy?: Deployment | undefined;
}

function later(a: Deployment, b: Deployment | undefined): boolean {
  return b === undefined || byTime(a, b) > 0;
}

/**
 * What `deployments` (by default `upstreamDeployments`) say about this digest's most recent stay
 * in the environment. One pass, no sorting: bulk evaluation hands every artifact its name's whole
 * deployment list.
 */
export function residency(
  facts: ReadinessFacts,
  deployments: readonly Deployment[] = facts.upstreamDeployments,
): Residency | undefined {
  const { digest, name } = facts.artifact;
  let since: Deployment | undefined;
  for (const d of deployments) {
    if (d.status === "succeeded" && d.digest === digest && later(d, since)) since = d;
  }
  if (since === undefined) return undefined;
  let replacedBy: Deployment | undefined;
  for (const d of deployments) {
    if (d.status !== "succeeded" || d.name !== name || d.digest === digest || byTime(d, since) <= 0) continue;
    if (replacedBy === undefined || byTime(d, replacedBy) < 0) replacedBy = d;
  }
  return { since, replacedBy };
}

function notDeployed(
  id: string,
  env: string,
  facts: ReadinessFacts,
  deployments: readonly Deployment[] = facts.upstreamDeployments,
): Check {
  const { digest, name } = facts.artifact;
  let running: Deployment | undefined;
  for (const d of deployments) {
    if (d.status === "succeeded" && d.name === name && later(d, running)) running = d;
  }
  const note = running && running.digest !== digest ? ` (${env} runs ${shortDigest(running.digest)})` : "";
  return { id, status: "waiting", reason: `${shortDigest(digest)} not yet deployed to ${env}${note}` };
}

/** This digest runs, or ran, in `env`: waiting until a succeeded deployment says so. */
function ranIn(id: string, env: string, facts: ReadinessFacts, deployments: readonly Deployment[]): Check {
  const stay = residency(facts, deployments);
  if (!stay) return notDeployed(id, env, facts, deployments);
  const digest = shortDigest(facts.artifact.digest);
  const reason = stay.replacedBy
    ? `${digest} ran in ${env} (replaced by ${shortDigest(stay.replacedBy.digest)})`
    : `${digest} is running in ${env}`;
  return { id, status: "passed", reason };
}

export function checkAfter(contract: Contract, facts: ReadinessFacts): Check | undefined {
  const env = contract.after;
  if (env === undefined || contract.artifact.sameAs === env) return undefined;
  const separate = separateAfterEnvironment(contract) !== undefined;
  return ranIn(
    "artifact:after",
    env,
    facts,
    separate ? (facts.afterDeployments ?? []) : facts.upstreamDeployments,
  );
}

export function checkSameAs(contract: Contract, facts: ReadinessFacts): Check | undefined {
  const env = contract.artifact.sameAs;
  if (env === undefined) return undefined;
  return ranIn("artifact:same_as", env, facts, facts.upstreamDeployments);
}

export function checkSoak(contract: Contract, facts: ReadinessFacts, now: Date): Check | undefined {
  const soakMs = contract.artifact.soakMs;
  if (soakMs === undefined) return undefined;
  const id = "artifact:soak";
  const env = upstreamEnvironment(contract);
  if (env === undefined) {
    return { id, status: "failed", reason: "soak has no environment to soak in (set artifact.same_as)" };
  }
  const stay = residency(facts);
  if (!stay) return notDeployed(id, env, facts);
  const until = stay.replacedBy ? stay.replacedBy.deployedAt : now;
  const soaked = Math.max(0, until.getTime() - stay.since.deployedAt.getTime());
  const detail = { since: stay.since.deployedAt, until, soakedMs: soaked, requiredMs: soakMs };
  if (soaked >= soakMs) {
    return { id, status: "passed", reason: `soaked ${formatAge(soaked)} in ${env}`, detail };
  }
  if (stay.replacedBy) {
    const other = shortDigest(stay.replacedBy.digest);
    return {
      id,
      status: "failed",
      reason: `soaked only ${formatAge(soaked)} of ${formatDuration(soakMs)} in ${env} before ${other} replaced it; redeploy to restart the clock`,
      detail,
    };
  }
  return {
    id,
    status: "waiting",
    reason: `soaking ${formatAge(soaked)} of ${formatDuration(soakMs)} in ${env}`,
    detail,
  };
}

export function checkMaxAge(contract: Contract, facts: ReadinessFacts, now: Date): Check | undefined {
  const maxAgeMs = contract.artifact.maxAgeMs;
  if (maxAgeMs === undefined) return undefined;
  const age = Math.max(0, now.getTime() - facts.artifact.firstSeenAt.getTime());
  const id = "artifact:max_age";
  const limit = `max_age ${formatDuration(maxAgeMs)}`;
  return age > maxAgeMs
    ? {
        id,
        status: "failed",
        reason: `${shortDigest(facts.artifact.digest)} is ${formatAge(age)} old (${limit})`,
      }
    : { id, status: "passed", reason: `${formatAge(age)} old, within ${limit}` };
}
