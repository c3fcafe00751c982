/**
 * GET /api/v1/readiness?artifact=<ref>&environment=<env> (SPEC §3.6), behind bearer tokens from
 * TOLLGATE_API_TOKENS. With no token configured the read API is off and answers 404, so an
 * unconfigured install never serves readiness to anyone who asks.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Artifact } from "../../domain/artifact.js";
import { ENVIRONMENT_NAME as ENVIRONMENT } from "../../domain/contract.js";
import type { Readiness } from "../../domain/readiness.js";
import type { Resolution } from "../../flows/resolve-artifact.js";
import { bearerMatches } from "./bearer.js";
import { sendJson } from "./respond.js";
import type { HttpServer, RequestContext } from "./server.js";

export interface ReadinessRouteDeps {
  tokens: readonly string[];
  resolve(reference: string, environment: string): Resolution;
  evaluate(artifact: Artifact, environment: string): Readiness;
}

const STATUS = {
  invalid_reference: 400,
  artifact_not_found: 404,
  environment_not_found: 404,
  artifact_ambiguous: 409,
};

export function artifactJson(a: Artifact) {
  return {
    name: a.name,
    digest: a.digest,
    version: a.version ?? null,
    commit: a.commit ?? null,
    repository: a.repository ?? null,
    url: a.url ?? null,
    first_seen_at: a.firstSeenAt.toISOString(),
  };
}

export function readinessJson(artifact: Artifact, readiness: Readiness) {
  return {
    artifact: artifactJson(artifact),
    environment: readiness.environment,
    verdict: readiness.verdict,
    checks: readiness.checks.map(({ id, status, reason }) => ({ id, status, reason })),
    contract_revision: readiness.contractRevision,
  };
}

function queryIssues(ref: string | null, environment: string | null) {
  const issues: { path: string; message: string }[] = [];
  if (ref === null || ref.trim() === "") issues.push({ path: "artifact", message: "is required" });
  if (environment === null || environment === "")
    issues.push({ path: "environment", message: "is required" });
  else if (!ENVIRONMENT.test(environment))
    issues.push({ path: "environment", message: "is not an environment name" });
  return issues;
}

export function registerReadinessRoutes(http: HttpServer, deps: ReadinessRouteDeps): void {
  http.route("GET", "/api/v1/readiness", (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => {
    if (deps.tokens.length === 0) {
      sendJson(res, 404, { error: "not_found", message: "the read API is off: set TOLLGATE_API_TOKENS" });
      return;
    }
    if (!bearerMatches(req.headers.authorization, deps.tokens)) {
      sendJson(res, 401, { error: "unauthorized" }, { "www-authenticate": 'Bearer realm="tollgate"' });
      return;
    }
    const query = ctx.query();
    const ref = query.get("artifact");
    const environment = query.get("environment");
    const issues = queryIssues(ref, environment);
    if (issues.length > 0 || ref === null || environment === null) {
      sendJson(res, 400, { error: "invalid_payload", issues });
      return;
    }
    const found = deps.resolve(ref, environment);
    if (!found.ok) {
      const body: Record<string, unknown> = { error: found.code, message: found.message };
      if (found.code === "artifact_ambiguous") body.candidates = found.candidates.map(artifactJson);
      sendJson(res, STATUS[found.code], body);
      return;
    }
    sendJson(res, 200, readinessJson(found.artifact, deps.evaluate(found.artifact, environment)));
  });
}
