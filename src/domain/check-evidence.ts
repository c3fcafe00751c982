/**
 * One check per `evidence:` requirement (SPEC §3.1, §4). Decisions made here:
 * - Evidence counts when it names this digest, or names no digest and this artifact's commit
 *   (commit-scoped). Evidence for another digest of the same commit does not: trust moves with
 *   the artifact, not the code. Commits match exactly, or by a prefix of at least 12 hex
 *   characters (`sameCommit`): a 7-character abbreviation is ambiguous across repositories.
 *   Evidence observed before the artifact was first seen still counts
 *   (CI often reports before the registry does).
 * - The newest matching evidence wins (observed_at, ties by arrival), so a later failure revokes
 *   a pass and a later pass clears a failure.
 * - `running` and `skipped` are pending: neither is a result. A skip hides an older pass.
 * - A `max` or `min_total` count missing from the summary is unknown, and unknown fails: a
 *   reporter that forgot its counts must not pass a threshold.
 * - `max_age`: exactly `max_age` old is still fresh. Only a pass goes stale; a failure stays failed.
 */
import { sameCommit, shortDigest } from "./artifact.js";
import type { EvidenceRequirement } from "./contract.js";
import { formatAge, formatDuration } from "./duration.js";
import type { Evidence } from "./evidence.js";
import type { Check, ReadinessFacts } from "./readiness.js";

function concerns(evidence: Evidence, facts: ReadinessFacts): boolean {
  if (evidence.digest !== undefined) return evidence.digest === facts.artifact.digest;
  return sameCommit(evidence.commit, facts.artifact.commit);
}

export function newestMatching(req: EvidenceRequirement, facts: ReadinessFacts): Evidence | undefined {
  let best: Evidence | undefined;
  for (const e of facts.evidence) {
    if (e.kind !== req.kind) continue;
    if (req.name !== undefined && e.name !== req.name) continue;
    if (req.environment !== undefined && e.environment !== req.environment) continue;
    if (!concerns(e, facts)) continue;
    const newer =
      best === undefined ||
      e.observedAt.getTime() > best.observedAt.getTime() ||
      (e.observedAt.getTime() === best.observedAt.getTime() && e.sequence > best.sequence);
    if (newer) best = e;
  }
  return best;
}

const RUN_SEGMENT = /\/runs\/(\d+)(?:[/?#]|$)/;

/** `(run 8812)` for a CI run URL (`…/runs/8812`, or ending in a number), the URL itself otherwise. */
export function runRef(url: string | undefined): string {
  if (url === undefined || url === "") return "";
  const run = RUN_SEGMENT.exec(url)?.[1];
  if (run !== undefined) return ` (run ${run})`;
  const cut = url.search(/[?#]/);
  const path = (cut === -1 ? url : url.slice(0, cut)).replace(/\/+$/, "");
  const last = path.slice(path.lastIndexOf("/") + 1);
  return /^\d+$/.test(last) ? ` (run ${last})` : ` (${url})`;
}

function subject(e: Evidence): string {
  return e.digest !== undefined ? shortDigest(e.digest) : `commit ${(e.commit ?? "").slice(0, 7)}`;
}

function thresholdProblems(req: EvidenceRequirement, e: Evidence): string[] {
  const problems: string[] = [];
  if (req.minTotal !== undefined) {
    const total = e.summary.total;
    if (total === undefined) problems.push(`reported no total (min_total ${req.minTotal})`);
    else if (total < req.minTotal) {
      // `total` counts tests for a test run; for anything else it is whatever the reporter counted.
      const what =
        e.kind === "test" ? `ran ${total} test${total === 1 ? "" : "s"}` : `reported total ${total}`;
      problems.push(`${what} (min_total ${req.minTotal})`);
    }
  }
  for (const [key, limit] of Object.entries(req.max ?? {})) {
    const count = e.summary[key];
    if (count === undefined) problems.push(`did not report \`${key}\` (max ${limit})`);
    else if (count > limit) problems.push(`${key} ${count} > ${limit}`);
  }
  return problems;
}

export function checkEvidence(id: string, req: EvidenceRequirement, facts: ReadinessFacts, now: Date): Check {
  const label = `\`${req.name ?? req.kind}\``;
  const e = newestMatching(req, facts);
  if (e === undefined) {
    const where = req.environment === undefined ? "" : ` in ${req.environment}`;
    return {
      id,
      status: "pending",
      reason: `no ${label} result${where} yet for ${shortDigest(facts.artifact.digest)}`,
    };
  }
  const on = `on ${subject(e)}${runRef(e.url)}`;
  const where = `on ${subject(e)}`;
  const detail = {
    evidenceId: e.id,
    status: e.status,
    observedAt: e.observedAt,
    url: e.url,
    summary: e.summary,
  };
  const result = (status: Check["status"], reason: string): Check => ({ id, status, reason, detail });
  switch (e.status) {
    case "failed":
      return result("failed", `${label} failed ${on}`);
    case "error":
      return result("failed", `${label} errored ${on}`);
    case "running":
      return result("pending", `${label} is running ${on}`);
    case "skipped":
      return result("pending", `${label} was skipped ${on}; it needs a run that passes`);
    case "passed":
      return passed(req, e, { label, on, where }, now, result);
  }
}

function passed(
  req: EvidenceRequirement,
  e: Evidence,
  text: { label: string; on: string; where: string },
  now: Date,
  result: (status: Check["status"], reason: string) => Check,
): Check {
  const { label, on, where } = text;
  const problems = thresholdProblems(req, e);
  if (problems.length > 0) return result("failed", `${label} passed but ${problems.join(", ")} ${on}`);
  const age = now.getTime() - e.observedAt.getTime();
  if (req.maxAgeMs !== undefined && age > req.maxAgeMs) {
    const ages = `${formatAge(age)} ago, older than max_age ${formatDuration(req.maxAgeMs)}`;
    return result("stale", `${label} passed ${where} ${ages}${runRef(e.url)}`);
  }
  return result("passed", `${label} passed ${on}`);
}

/** `evidence:e2e`; a second requirement with the same id gets `@environment` or `#n`. */
export function evidenceCheckIds(requirements: readonly EvidenceRequirement[]): string[] {
  const seen = new Set<string>();
  return requirements.map((req, index) => {
    let id = `evidence:${req.name ?? req.kind}`;
    if (seen.has(id) && req.environment !== undefined) id = `${id}@${req.environment}`;
    if (seen.has(id)) id = `${id}#${index + 1}`;
    seen.add(id);
    return id;
  });
}
