/**
 * `deployment_status` → a deployment (SPEC §3.2, §3.4). GitHub deploys a commit; Tollgate tracks
 * artifacts. The deployer may name the artifact in `deployment.payload` (`{"digest": "sha256:…",
 * "name": "…"}` or our own `{"artifact": {…}}`); otherwise the flow resolves the artifact
 * built from `deployment.sha`.
 */
import type { DeploymentStatus } from "../../domain/evidence.js";
import {
  artifactName,
  digestAt,
  environmentName,
  type GithubMapping,
  get,
  httpUrl,
  ignored,
  instantAt,
  requireCommit,
  text,
} from "./github-fields.js";
import type { Issue } from "./respond.js";

/** `null`: not a deployment outcome. `inactive` is GitHub retiring an older deployment once a newer one succeeds. */
const STATES: Record<string, DeploymentStatus | null> = {
  success: "succeeded",
  failure: "failed",
  error: "failed",
  in_progress: "started",
  queued: "started",
  pending: "started",
  inactive: null,
};

export function mapDeploymentStatus(payload: object, now: Date): GithubMapping {
  const issues: Issue[] = [];
  const commit = requireCommit(payload, "deployment.sha", issues);
  const state = text(payload, "deployment_status.state");
  if (state === undefined) issues.push({ path: "deployment_status.state", message: "is required" });
  const rawEnvironment =
    text(payload, "deployment.environment") ?? text(payload, "deployment_status.environment");
  if (rawEnvironment === undefined) issues.push({ path: "deployment.environment", message: "is required" });
  const named = namedArtifact(get(payload, "deployment.payload"), issues);
  if (issues.length > 0 || state === undefined) return { kind: "invalid", issues };
  const status = STATES[state];
  if (status === null) return ignored(`deployment_status ${state}: a newer deployment reports what runs`);
  if (status === undefined) return ignored(`deployment_status ${state} is not a state Tollgate knows`);
  const environment = environmentName(rawEnvironment);
  if (environment === undefined) {
    return ignored(`GitHub environment "${rawEnvironment}" is not a Tollgate environment name (a-z, 0-9, -)`);
  }
  const ds = get(payload, "deployment_status");
  const deployment = {
    environment,
    status,
    commit,
    ...named,
    deployedAt: instantAt(ds, "updated_at", now) ?? instantAt(ds, "created_at", now),
    url: httpUrl(ds, "target_url") ?? httpUrl(ds, "log_url") ?? httpUrl(ds, "environment_url"),
  };
  return { kind: "intake", intake: { kind: "deployment", deployment } };
}

/**
 * The artifact the deployer named in deployment.payload, an object or a JSON string (REST API):
 * `{"artifact": {"name", "digest"}}` (either field), or a flat `{"digest", "name"?}`.
 */
function namedArtifact(raw: unknown, issues: Issue[]): { digest?: string; name?: string } {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return {};
    }
  }
  const nested = get(value, "artifact") !== undefined;
  const at = nested ? "deployment.payload.artifact" : "deployment.payload";
  const source = nested ? get(value, "artifact") : value;
  const named: { digest?: string; name?: string } = {};
  if (get(source, "digest") !== undefined) {
    const digest = digestAt(source, "digest");
    if (digest === undefined)
      issues.push({ path: `${at}.digest`, message: "must be sha256: followed by 64 hex" });
    else named.digest = digest;
  }
  // A flat "name" alone is too common in other tools' payloads to be taken as ours.
  if (get(source, "name") !== undefined && (nested || named.digest !== undefined)) {
    const name = artifactName(text(source, "name"));
    if (name === undefined)
      issues.push({ path: `${at}.name`, message: "must match ^[a-z0-9][a-z0-9._/-]{0,127}$" });
    else named.name = name;
  }
  return named;
}
