/**
 * `GET /api/v1/promotions?environment=&state=` (SPEC §3.6): pull-based CD asks for `approved`
 * promotions and reports the deployment back through `POST /api/v1/deployments`. Bearer token
 * like the rest of the read API; with no tokens configured the route is not registered.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { approversOf } from "../../domain/approval-policy.js";
import { isPromotionState, PROMOTION_STATES, type Promotion } from "../../domain/promotion.js";
import type { ArtifactReader, ContractSource } from "../../flows/ports.js";
import type { PromotionRepository } from "../../flows/promotion-ports.js";
import { bearerMatches } from "./bearer.js";
import { sendJson } from "./respond.js";
import type { HttpServer, RequestContext } from "./server.js";

export interface PromotionRouteDeps {
  promotions: Pick<PromotionRepository, "inEnvironment" | "recent" | "decisions">;
  artifacts: Pick<ArtifactReader, "getArtifact">;
  contracts: ContractSource;
  apiTokens: readonly string[];
}

export function promotionJson(promotion: Promotion, deps: Omit<PromotionRouteDeps, "apiTokens">) {
  const artifact = deps.artifacts.getArtifact(promotion.digest);
  const contract = deps.contracts.current().contracts.get(promotion.environment);
  return {
    id: promotion.id,
    kind: promotion.kind,
    state: promotion.state,
    artifact: {
      name: promotion.artifactName,
      digest: promotion.digest,
      ...(artifact?.version ? { version: artifact.version } : {}),
      ...(artifact?.commit ? { commit: artifact.commit } : {}),
    },
    from: promotion.fromEnvironment ?? null,
    to: promotion.environment,
    requested_by: promotion.requestedBy,
    requested_at: promotion.requestedAt.toISOString(),
    // A decided promotion keeps who approved it across contract edits (approversOf explains).
    approved_by: approversOf(promotion, contract, deps.promotions.decisions(promotion.id)),
    contract_revision: promotion.contractRevision,
    state_changed_at: promotion.stateChangedAt.toISOString(),
    ...(promotion.reason ? { reason: promotion.reason } : {}),
    ...(promotion.freezeOverride ? { freeze_override: promotion.freezeOverride } : {}),
  };
}

function listPromotions(deps: PromotionRouteDeps) {
  return (req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void => {
    if (!bearerMatches(req.headers.authorization, deps.apiTokens)) {
      sendJson(res, 401, { error: "unauthorized" });
      return;
    }
    const query = ctx.query();
    const environment = query.get("environment") || null;
    const state = query.get("state");
    const limit = Number(query.get("limit") ?? 100);
    const issues = [
      ...(state === null || isPromotionState(state)
        ? []
        : [{ path: "state", message: `one of ${PROMOTION_STATES.join(", ")}` }]),
      ...(Number.isInteger(limit) && limit >= 1 && limit <= 500
        ? []
        : [{ path: "limit", message: "an integer from 1 to 500" }]),
    ];
    if (issues.length > 0) {
      sendJson(res, 400, { error: "invalid_payload", issues });
      return;
    }
    // As the readiness route answers: a pull-based deployer polling a misspelt environment must
    // hear so, not get an empty list forever.
    if (environment !== null && !deps.contracts.current().contracts.has(environment)) {
      sendJson(res, 404, {
        error: "environment_not_found",
        message: `no contract for environment "${environment}"`,
      });
      return;
    }
    const states = state !== null && isPromotionState(state) ? [state] : PROMOTION_STATES;
    // Without an environment: the newest across all of them (a deployer serving every stage).
    const promotions =
      environment === null
        ? deps.promotions.recent(states, limit)
        : deps.promotions.inEnvironment(environment, states, limit);
    sendJson(res, 200, { environment, promotions: promotions.map((p) => promotionJson(p, deps)) });
  };
}

export function registerPromotionRoutes(server: Pick<HttpServer, "route">, deps: PromotionRouteDeps): void {
  if (deps.apiTokens.length === 0) return;
  server.route("GET", "/api/v1/promotions", listPromotions(deps));
}
