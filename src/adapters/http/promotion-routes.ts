/**
 * `GET /api/v1/promotions?environment=&state=` (SPEC §3.6): pull-based CD asks for `approved`
 * promotions and reports the deployment back through `POST /api/v1/deployments`. Bearer token
 * like the rest of the read API; with no tokens configured the route is not registered.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApprovalRecord } from "../../domain/approval-policy.js";
import { isPromotionState, PROMOTION_STATES, type Promotion } from "../../domain/promotion.js";
import type { ArtifactReader } from "../../flows/ports.js";
import type { PromotionRepository } from "../../flows/promotion-ports.js";
import { sendJson } from "./respond.js";
import type { HttpServer, RequestContext } from "./server.js";

export interface PromotionRouteDeps {
  promotions: Pick<PromotionRepository, "inEnvironment" | "decisions">;
  artifacts: Pick<ArtifactReader, "getArtifact">;
  apiTokens: readonly string[];
}

export function bearerMatches(header: string | undefined, tokens: readonly string[]): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1] ?? "", "utf8");
  let ok = false;
  for (const token of tokens) {
    const expected = Buffer.from(token, "utf8");
    // Every token is compared so the time taken does not reveal which one matched.
    if (given.length > 0 && expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

function approvedBy(promotion: Promotion, decisions: ApprovalRecord[]): string[] {
  return decisions
    .filter((d) => d.decision === "approve" && d.contractRevision === promotion.contractRevision)
    .map((d) => d.userId);
}

export function promotionJson(promotion: Promotion, deps: Omit<PromotionRouteDeps, "apiTokens">) {
  const artifact = deps.artifacts.getArtifact(promotion.digest);
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
    approved_by: approvedBy(promotion, deps.promotions.decisions(promotion.id)),
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
    const environment = query.get("environment");
    const state = query.get("state");
    const limit = Number(query.get("limit") ?? 100);
    const issues = [
      ...(environment ? [] : [{ path: "environment", message: "required, e.g. ?environment=prod" }]),
      ...(state === null || isPromotionState(state)
        ? []
        : [{ path: "state", message: `one of ${PROMOTION_STATES.join(", ")}` }]),
      ...(Number.isInteger(limit) && limit >= 1 && limit <= 500
        ? []
        : [{ path: "limit", message: "an integer from 1 to 500" }]),
    ];
    if (issues.length > 0 || !environment) {
      sendJson(res, 400, { error: "invalid_payload", issues });
      return;
    }
    const states = state !== null && isPromotionState(state) ? [state] : PROMOTION_STATES;
    const promotions = deps.promotions.inEnvironment(environment, states, limit);
    sendJson(res, 200, { environment, promotions: promotions.map((p) => promotionJson(p, deps)) });
  };
}

export function registerPromotionRoutes(server: Pick<HttpServer, "route">, deps: PromotionRouteDeps): void {
  if (deps.apiTokens.length === 0) return;
  server.route("GET", "/api/v1/promotions", listPromotions(deps));
}
