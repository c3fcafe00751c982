/**
 * The one answer to "may this artifact enter this environment?" (SPEC §4). Cards, `/promote`,
 * approvals, the read API and `tollgate assert` all call it, so they never disagree.
 *
 * Checks come in a fixed order — artifact, evidence (as listed in the contract), drift, freeze,
 * lock, approvals — so a card or a CI log reads the same every time. A clause the contract does
 * not use produces no check; the lock check is always present.
 */
import { checkApprovals } from "./check-approvals.js";
import { checkAfter, checkMaxAge, checkSameAs, checkSoak } from "./check-artifact.js";
import { checkDrift } from "./check-drift.js";
import { checkEvidence, evidenceCheckIds } from "./check-evidence.js";
import { checkFreeze, checkLock } from "./check-gates.js";
import type { Contract } from "./contract.js";
import type { Check, Readiness, ReadinessFacts, Verdict } from "./readiness.js";

/** Blocked when anything failed or is stale, waiting while anything is pending, else ready. */
export function verdictOf(checks: readonly Check[]): Verdict {
  if (checks.some((c) => c.status === "failed" || c.status === "stale")) return "blocked";
  if (checks.some((c) => c.status === "pending" || c.status === "waiting")) return "waiting";
  return "ready";
}

export function evaluateContract(contract: Contract, facts: ReadinessFacts, now: Date): Readiness {
  const ids = evidenceCheckIds(contract.evidence);
  const checks = [
    checkAfter(contract, facts),
    checkSameAs(contract, facts),
    checkSoak(contract, facts, now),
    checkMaxAge(contract, facts, now),
    ...contract.evidence.map((req, i) => checkEvidence(ids[i] ?? `evidence:${i}`, req, facts, now)),
    checkDrift(contract, facts, now),
    checkFreeze(contract, facts, now),
    checkLock(contract, facts, now),
    checkApprovals(contract, facts, now),
  ].filter((check): check is Check => check !== undefined);
  return {
    environment: contract.environment,
    digest: facts.artifact.digest,
    verdict: verdictOf(checks),
    checks,
    contractRevision: contract.revision,
    evaluatedAt: now,
  };
}

/** The checks that stop a promotion, for replies like "Blocked: `e2e` failed on …". */
export function blockingChecks(readiness: Readiness): Check[] {
  return readiness.checks.filter((c) => c.status !== "passed");
}
