/**
 * GitHub webhook payloads → what Tollgate stores (SPEC §3.4; docs/github.md has the full table).
 * Pure: no I/O, the clock is a parameter. A payload that is GitHub's but says nothing we use is
 * `ignored` (202, with a reason GitHub shows in its delivery log); one missing what its event
 * must carry is `invalid` (400).
 */
import type { EvidenceStatus } from "../../domain/evidence.js";
import { mapDeploymentStatus } from "./github-deployment-mapping.js";
import {
  evidenceName,
  type GithubMapping,
  get,
  httpUrl,
  ignored,
  instantAt,
  requireCommit,
  text,
} from "./github-fields.js";
import { mapPackage } from "./github-package-mapping.js";
import type { Issue } from "./respond.js";

export type { GithubMapping } from "./github-fields.js";

export function mapGithubEvent(event: string, payload: unknown, now: Date): GithubMapping {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return { kind: "invalid", issues: [{ path: "", message: "must be a JSON object" }] };
  }
  switch (event) {
    case "ping":
      return { kind: "ping" };
    case "workflow_run":
      return mapWorkflowRun(payload, now);
    case "check_run":
      return mapCheckRun(payload, now);
    case "check_suite":
      return mapCheckSuite(payload, now);
    case "registry_package":
    case "package":
      return mapPackage(event, payload);
    case "deployment_status":
      return mapDeploymentStatus(payload, now);
    default:
      return ignored(`${event} events are not used by Tollgate`);
  }
}

/**
 * `conclusion` → evidence status; `null` = not a result, ignored. Only `success` satisfies a
 * contract (../shared/fixtures/SUMMARY.md, §1 GitHub webhooks). A skipped or neutral run is not
 * recorded at all: the same workflow often runs twice for one commit (push and pull_request) with
 * its jobs skipped on one trigger, and a recorded skip would hide the other trigger's pass
 * (domain/check-evidence.ts).
 */
const CONCLUSIONS: Record<string, EvidenceStatus | null> = {
  success: "passed",
  failure: "failed",
  timed_out: "failed",
  startup_failure: "failed",
  action_required: "failed",
  cancelled: "error",
  skipped: null,
  neutral: null,
  stale: null,
};

interface CheckResult {
  /** The payload key: workflow_run, check_run, check_suite. */
  key: string;
  name: string | undefined;
  url: string | undefined;
  observedAt: Date | undefined;
  details: Record<string, unknown>;
}

function mapWorkflowRun(payload: object, now: Date): GithubMapping {
  const run = get(payload, "workflow_run");
  const path = text(run, "path");
  return checkResult(payload, {
    key: "workflow_run",
    // NOTE: `workflow_run.name` is "" in GitHub's own sample; the workflow's name is the fallback.
    name:
      evidenceName(text(run, "name")) ??
      evidenceName(text(payload, "workflow.name")) ??
      evidenceName(path?.replace(/^.*\//, "").replace(/\.ya?ml$/, "")),
    url: httpUrl(run, "html_url"),
    observedAt: instantAt(run, "updated_at", now),
    details: {
      run_id: get(run, "id"),
      run_number: get(run, "run_number"),
      run_attempt: get(run, "run_attempt"),
      trigger: text(run, "event"),
      head_branch: text(run, "head_branch"),
      workflow_path: path,
    },
  });
}

function mapCheckRun(payload: object, now: Date): GithubMapping {
  const run = get(payload, "check_run");
  return checkResult(payload, {
    key: "check_run",
    name: evidenceName(text(run, "name")),
    url: httpUrl(run, "html_url") ?? httpUrl(run, "details_url"),
    observedAt: instantAt(run, "completed_at", now),
    details: { check_run_id: get(run, "id"), app: text(run, "app.slug") ?? text(run, "app.name") },
  });
}

function mapCheckSuite(payload: object, now: Date): GithubMapping {
  const suite = get(payload, "check_suite");
  const app = text(suite, "app.slug") ?? text(suite, "app.name");
  // Actions makes one suite per workflow run, all from one app: named after the app they would
  // overwrite each other, and the workflow_run event already reports each by its own name.
  if (app === "github-actions") return ignored("GitHub Actions suites are reported by workflow_run events");
  return checkResult(payload, {
    key: "check_suite",
    name: evidenceName(app),
    url: undefined,
    observedAt: instantAt(suite, "updated_at", now),
    details: { check_suite_id: get(suite, "id"), head_branch: text(suite, "head_branch") },
  });
}

function checkResult(payload: object, result: CheckResult): GithubMapping {
  const { key } = result;
  const action = text(payload, "action");
  if (action !== "completed") return ignored(`${key} ${action ?? "without an action"} is not a result yet`);
  const issues: Issue[] = [];
  const commit = requireCommit(payload, `${key}.head_sha`, issues);
  if (result.name === undefined)
    issues.push({ path: `${key}.name`, message: "no usable name for the evidence" });
  if (issues.length > 0) return { kind: "invalid", issues };
  const conclusion = text(payload, `${key}.conclusion`);
  if (conclusion === undefined) return ignored(`${key} completed without a conclusion`);
  const status = conclusion in CONCLUSIONS ? CONCLUSIONS[conclusion] : "error";
  if (status === null || status === undefined) return ignored(`${key} concluded ${conclusion}: not a result`);
  const details = {
    source: "github",
    repository: text(payload, "repository.full_name"),
    conclusion,
    ...result.details,
  };
  return {
    kind: "intake",
    intake: {
      kind: "evidence",
      evidence: {
        artifact: { commit },
        kind: "test",
        name: result.name as string,
        status,
        url: result.url,
        observedAt: result.observedAt,
        detailsJson: JSON.stringify(details),
      },
    },
  };
}
