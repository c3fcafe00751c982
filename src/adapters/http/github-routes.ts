/**
 * POST /api/v1/github (SPEC §3.4): GitHub's own webhook format, on only when GITHUB_WEBHOOK_SECRET
 * is set. Same order as the other intake routes: cap → content type → X-Hub-Signature-256 over
 * the raw bytes → headers → strict JSON → mapping → intake flow → the exact status and body.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { CodedError } from "../../errors.js";
import { type GithubDeps, recordGithubEvent } from "../../flows/record-github-event.js";
import { isJson } from "./content-type.js";
import { mapGithubEvent } from "./github-mapping.js";
import { verifyGithub } from "./github-signature.js";
import { environmentWarnings, type IntakeRouteDeps } from "./intake-routes.js";
import { parseStrictJson } from "./parse-json.js";
import { declaredTooLarge, discardRestOfBody, MIB, readBody, tooLarge } from "./read-body.js";
import { errorResponse, type Issue, invalidPayload, sendJson } from "./respond.js";
import type { HttpServer, RequestContext } from "./server.js";

export const GITHUB_PATH = "/api/v1/github";

export interface GithubRouteDeps {
  /** GITHUB_WEBHOOK_SECRET; undefined turns the route off (404). */
  secret: string | undefined;
  deps: GithubDeps;
  /** As on /api/v1/deployments: why an environment has no contract (a typo, most often). */
  environmentWarning?: IntakeRouteDeps["environmentWarning"];
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  /** Evidence rows written, for the metric shared with /api/v1/evidence. */
  evidenceStored?: number;
}

const EVENT = /^[a-z_]{1,64}$/;
const DELIVERY = /^[\x21-\x7e]{1,200}$/;

export function registerGithubRoutes(http: HttpServer, options: GithubRouteDeps): void {
  http.route("POST", GITHUB_PATH, (req, res, ctx) => handleGithub(options, http, req, res, ctx));
}

async function handleGithub(
  options: GithubRouteDeps,
  http: HttpServer,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  try {
    const answer = await receive(options, req);
    if (answer.evidenceStored) http.metrics.evidenceStored.inc(answer.evidenceStored);
    sendJson(res, answer.status, answer.body);
  } catch (error) {
    const { status, body } = errorResponse(error);
    if (status >= 500) ctx.log.error({ err: error }, "github webhook failed");
    else ctx.log.info({ code: body.error, event: req.headers["x-github-event"] }, "github webhook refused");
    sendJson(res, status, body);
    discardRestOfBody(req);
  } finally {
    http.metrics.ingestLatency.labels("github").observe((performance.now() - ctx.startedAt) / 1000);
  }
}

async function receive(
  { secret, deps, environmentWarning }: GithubRouteDeps,
  req: IncomingMessage,
): Promise<Answer> {
  if (secret === undefined)
    throw new CodedError("not_found", "GitHub webhooks are off: set GITHUB_WEBHOOK_SECRET");
  if (declaredTooLarge(req, MIB)) throw tooLarge(MIB);
  if (!isJson(req.headers["content-type"])) {
    // GitHub's default is application/x-www-form-urlencoded; the webhook must be set to JSON.
    throw new CodedError("unsupported_media_type", "set the webhook's content type to application/json");
  }
  const body = await readBody(req, MIB);
  if (!verifyGithub(secret, single(req.headers["x-hub-signature-256"]), body)) {
    throw new CodedError("unauthorized", "missing or bad X-Hub-Signature-256");
  }
  const { event, delivery } = requiredHeaders(req);
  const parsed = parseStrictJson(body);
  if (!parsed.ok) throw invalidPayload(parsed.issues);
  const mapping = mapGithubEvent(event, parsed.value, deps.clock.now());
  switch (mapping.kind) {
    case "ping":
      return { status: 200, body: { status: "ok", event } };
    case "ignored":
      return { status: 202, body: { status: "ignored", event, reason: mapping.reason } };
    case "invalid":
      throw invalidPayload(mapping.issues);
  }
  const result = await recordGithubEvent(deps, mapping.intake, delivery);
  if (result.status === "ignored")
    return { status: 202, body: { status: "ignored", event, reason: result.reason } };
  const { id, duplicate, stored } = result.outcome;
  // A GitHub environment called "production" never reaches a contract named prod: say so.
  const { intake } = mapping;
  const environment = intake.kind === "deployment" ? intake.deployment.environment : undefined;
  const warnings = environmentWarnings([environment], environmentWarning);
  return {
    status: duplicate ? 200 : 202,
    body: { status: "accepted", id, duplicate, ...(warnings.length > 0 ? { warnings } : {}) },
    evidenceStored: mapping.intake.kind === "evidence" ? stored : 0,
  };
}

/** Every missing or malformed header at once (octokit's middleware does the same). */
function requiredHeaders(req: IncomingMessage): { event: string; delivery: string } {
  const event = single(req.headers["x-github-event"]);
  const delivery = single(req.headers["x-github-delivery"]);
  const issues: Issue[] = [];
  if (event === undefined || !EVENT.test(event)) {
    issues.push({ path: "headers.x-github-event", message: "is required: the GitHub event name" });
  }
  if (delivery === undefined || !DELIVERY.test(delivery)) {
    issues.push({
      path: "headers.x-github-delivery",
      message: "is required: 1-200 printable ASCII characters",
    });
  }
  if (issues.length > 0) throw invalidPayload(issues);
  return { event: event as string, delivery: delivery as string };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
