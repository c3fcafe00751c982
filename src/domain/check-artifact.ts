/**
 * The `artifact:` clauses (SPEC §4): the same digest ran upstream, soaked there, and is not too
 * old. Only the artifact's own name counts upstream: other services deploy to staging too.
 */
import { shortDigest } from "./artifact.js";
import type { Contract } from "./contract.js";
import { formatDuration } from "./duration.js";
import type { Deployment } from "./evidence.js";
import type { Check, ReadinessFacts } from "./readiness.js";

/** Where `same_as` and `soak` look: `same_as`, else the stage before this one. */
export function upstreamEnvironment(contract: Contract): string | undefined {
  return contract.artifact.sameAs ?? contract.after;
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
 * What `upstreamDeployments` says about this digest's most recent stay in the environment. One
 * pass, no sorting: bulk evaluation hands every artifact its name's whole deployment list.
 */
export function residency(facts: ReadinessFacts): Residency | undefined {
  const { digest, name } = facts.artifact;
  let since: Deployment | undefined;
  for (const d of facts.upstreamDeployments) {
    if (d.status === "succeeded" && d.digest === digest && later(d, since)) since = d;
  }
  if (since === undefined) return undefined;
  let replacedBy: Deployment | undefined;
  for (const d of facts.upstreamDeployments) {
    if (d.status !== "succeeded" || d.name !== name || d.digest === digest || byTime(d, since) <= 0) continue;
    if (replacedBy === undefined || byTime(d, replacedBy) < 0) replacedBy = d;
  }
  return { since, replacedBy };
}

function notDeployed(id: string, env: string, facts: ReadinessFacts): Check {
  const { digest, name } = facts.artifact;
  let running: Deployment | undefined;
  for (const d of facts.upstreamDeployments) {
    if (d.status === "succeeded" && d.name === name && later(d, running)) running = d;
  }
  const note = running && running.digest !== digest ? ` (${env} runs ${shortDigest(running.digest)})` : "";
  return { id, status: "waiting", reason: `${shortDigest(digest)} not yet deployed to ${env}${note}` };
}

export function checkSameAs(contract: Contract, facts: ReadinessFacts): Check | undefined {
  const env = contract.artifact.sameAs;
  if (env === undefined) return undefined;
  const id = "artifact:same_as";
  const stay = residency(facts);
  if (!stay) return notDeployed(id, env, facts);
  const digest = shortDigest(facts.artifact.digest);
  const reason = stay.replacedBy
    ? `${digest} ran in ${env} (replaced by ${shortDigest(stay.replacedBy.digest)})`
    : `${digest} is running in ${env}`;
  return { id, status: "passed", reason };
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
    return { id, status: "passed", reason: `soaked ${formatDuration(soaked)} in ${env}`, detail };
  }
  if (stay.replacedBy) {
    const other = shortDigest(stay.replacedBy.digest);
    return {
      id,
      status: "failed",
      reason: `soaked only ${formatDuration(soaked)} of ${formatDuration(soakMs)} in ${env} before ${other} replaced it; redeploy to restart the clock`,
      detail,
    };
  }
  return {
    id,
    status: "waiting",
    reason: `soaking ${formatDuration(soaked)} of ${formatDuration(soakMs)} in ${env}`,
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
        reason: `${shortDigest(facts.artifact.digest)} is ${formatDuration(age)} old (${limit})`,
      }
    : { id, status: "passed", reason: `${formatDuration(age)} old, within ${limit}` };
}
