/**
 * POST /api/v1/evidence, /deployments, /snapshots (SPEC §3). The order is the contract:
 * cap → content type → v1 signature over the raw bytes → strict UTF-8 + JSON → schema (every
 * issue) → flow → the exact status and body of the SPEC table.
 */

import { hash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { CodedError } from "../../errors.js";
import type { DeliveryKey } from "../../flows/delivery-repeat.js";
import type { IntakeOutcome } from "../../flows/intake-ports.js";
import type { Clock } from "../../flows/ports.js";
import { isJson } from "./content-type.js";
import { type IntakeHandlers, intakeValidators, type Validated } from "./intake-payloads.js";
import { parseStrictJson } from "./parse-json.js";
import { declaredTooLarge, discardRestOfBody, MIB, readBody, tooLarge } from "./read-body.js";
import { errorResponse, type Issue, invalidPayload, sendJson } from "./respond.js";
import { createPayloadSchemas } from "./schemas.js";
import type { HttpServer, RequestContext } from "./server.js";
import { verifyV1 } from "./v1-signature.js";

export type { IntakeHandlers } from "./intake-payloads.js";

export interface IntakeRouteDeps {
  /** Accepted webhook secrets, several during rotation (TOLLGATE_WEBHOOK_SECRETS). */
  secrets: readonly string[];
  clock: Clock;
  handlers: IntakeHandlers;
  /**
   * Why an environment a write names has no contract (a typo, most often), or undefined when it
   * has one. Such writes are still stored, since a contract for it may come later, with a warning.
   */
  environmentWarning?: (environment: string) => string | undefined;
}

/** In a 202 beside status and id; clients that do not know the field ignore it. */
export interface IntakeWarning {
  code: "environment_unknown";
  message: string;
}

interface IntakeRoute {
  path: string;
  name: string;
  limit: number;
  /** Validates the payload and, when it is good, returns what stores it. */
  parse(value: unknown): Validated<Accepted>;
}

interface Accepted {
  store: (delivery: DeliveryKey | undefined) => Promise<IntakeOutcome>;
  environments: Iterable<string | undefined>;
}

function intakeRoute<T>(
  path: string,
  limit: number,
  validate: (value: unknown) => Validated<T>,
  store: (input: T, delivery: DeliveryKey | undefined) => Promise<IntakeOutcome>,
  environments: (input: T) => Iterable<string | undefined>,
): IntakeRoute {
  return {
    path,
    name: path.slice(path.lastIndexOf("/") + 1),
    limit,
    parse(value) {
      const validated = validate(value);
      if (!validated.ok) return validated;
      const { input } = validated;
      return {
        ok: true,
        input: { store: (delivery) => store(input, delivery), environments: environments(input) },
      };
    },
  };
}

const DELIVERY = /^[\x21-\x7e]{1,200}$/;

const MAX_WARNINGS = 10;

export function registerIntakeRoutes(http: HttpServer, deps: IntakeRouteDeps): void {
  const validators = intakeValidators(createPayloadSchemas(deps.clock));
  const { handlers } = deps;
  const routes = [
    intakeRoute(
      "/api/v1/evidence",
      MIB,
      validators.evidence,
      (input, delivery) => handlers.evidence({ ...input, delivery }),
      (input) => input.items.map((item) => item.environment),
    ),
    intakeRoute(
      "/api/v1/deployments",
      MIB,
      validators.deployment,
      (deployment, delivery) => handlers.deployment({ deployment, delivery }),
      (deployment) => [deployment.environment],
    ),
    intakeRoute(
      "/api/v1/snapshots",
      5 * MIB,
      validators.snapshot,
      (snapshot, delivery) => handlers.snapshot({ snapshot, delivery }),
      (snapshot) => [snapshot.environment],
    ),
  ];
  for (const route of routes) {
    http.route("POST", route.path, (req, res, ctx) => handleIntake(route, deps, http, req, res, ctx));
  }
}

async function handleIntake(
  route: IntakeRoute,
  deps: IntakeRouteDeps,
  http: HttpServer,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  try {
    const { outcome, warnings } = await accept(route, deps, req);
    if (route.name === "evidence") http.metrics.evidenceStored.inc(outcome.stored);
    const warned = warnings.length === 0 ? "" : `,"warnings":${JSON.stringify(warnings)}`;
    const body = `{"status":"accepted","id":${JSON.stringify(outcome.id)},"duplicate":${outcome.duplicate}${warned}}`;
    sendJson(res, outcome.duplicate ? 200 : 202, body);
  } catch (error) {
    const { status, body } = errorResponse(error);
    if (status >= 500) ctx.log.error({ err: error }, "intake failed");
    else ctx.log.info({ code: body.error }, "intake refused");
    sendJson(res, status, body);
    discardRestOfBody(req);
  } finally {
    http.metrics.ingestLatency.labels(route.name).observe((performance.now() - ctx.startedAt) / 1000);
  }
}

async function accept(
  route: IntakeRoute,
  deps: IntakeRouteDeps,
  req: IncomingMessage,
): Promise<{ outcome: IntakeOutcome; warnings: IntakeWarning[] }> {
  if (declaredTooLarge(req, route.limit)) throw tooLarge(route.limit);
  if (!isJson(req.headers["content-type"])) {
    throw new CodedError("unsupported_media_type", "send Content-Type: application/json");
  }
  // Bodies are not decompressed: a gzip body would be verified and parsed as if it were plain.
  const encoding = req.headers["content-encoding"];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
    throw new CodedError(
      "unsupported_media_type",
      `Content-Encoding ${encoding} is not supported; send the body uncompressed`,
    );
  }
  const body = await readBody(req, route.limit);
  const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
  const { "x-tollgate-timestamp": timestamp, "x-tollgate-signature": signature } = req.headers;
  if (!verifyV1(deps.secrets, single(timestamp), single(signature), body, nowSeconds)) {
    throw new CodedError("unauthorized", "missing, bad or stale signature");
  }
  const parsed = parseStrictJson(body);
  if (!parsed.ok) throw invalidPayload(parsed.issues);
  const issues: Issue[] = [];
  const delivery = single(req.headers["x-tollgate-delivery"]);
  if (delivery !== undefined && !DELIVERY.test(delivery)) {
    issues.push({ path: "headers.x-tollgate-delivery", message: "must be 1-200 printable ASCII characters" });
  }
  const validated = route.parse(parsed.value);
  if (!validated.ok) issues.push(...validated.issues);
  if (!validated.ok || issues.length > 0) throw invalidPayload(issues);
  const warnings = environmentWarnings(validated.input.environments, deps.environmentWarning);
  // The body's hash goes with the key: a key sent again with another body is refused (delivery-repeat.ts).
  const key = delivery === undefined ? undefined : { key: delivery, fingerprint: sha256(body) };
  return { outcome: await validated.input.store(key), warnings };
}

export function environmentWarnings(
  environments: Iterable<string | undefined>,
  warn: IntakeRouteDeps["environmentWarning"],
): IntakeWarning[] {
  if (warn === undefined) return [];
  const warnings: IntakeWarning[] = [];
  const seen = new Set<string>();
  for (const environment of environments) {
    if (environment === undefined || seen.has(environment)) continue;
    seen.add(environment);
    const why = warn(environment);
    if (why !== undefined) {
      warnings.push({ code: "environment_unknown", message: `${why}: stored, but no contract reads it` });
      // A batch of 500 made-up environments needs no 500 lines to make the point.
      if (warnings.length === MAX_WARNINGS) break;
    }
  }
  return warnings;
}

// NOTE: the one-shot crypto.hash: a third of createHash's cost per request (0.45 against 1.3 µs).
function sha256(body: Buffer): string {
  return hash("sha256", body, "base64url");
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
