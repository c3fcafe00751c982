/** Small helpers for the sandbox page's own JSON endpoints (not part of the public API). */
import type { IncomingMessage } from "node:http";
import { isJson } from "../adapters/http/content-type.js";
import { readBody } from "../adapters/http/read-body.js";
import { CodedError } from "../errors.js";

const LIMIT = 64 * 1024;

/**
 * The Origin a browser sends is this server's own (the Host it was asked for), or absent (curl,
 * scripts, tests: no browser to ride). Anything else is another site's page.
 */
function fromOwnOrigin(req: IncomingMessage): boolean {
  const { origin, host } = req.headers;
  if (origin === undefined) return true;
  if (host === undefined || !URL.canParse(origin)) return false;
  const from = new URL(origin);
  if (from.protocol !== "http:" && from.protocol !== "https:") return false;
  // Parsed the same way, so `localhost:80` and `localhost` compare equal.
  return URL.canParse(`${from.protocol}//${host}`) && new URL(`${from.protocol}//${host}`).host === from.host;
}

/**
 * The body of a /sandbox/api/* write. The sandbox acts as any user with no Slack signature, so a
 * web page the developer happens to visit must not drive it: a cross-site "simple" POST
 * (text/plain, no preflight) is refused by its Origin, and a non-JSON body by its content type
 * (which a cross-site page cannot send without a preflight this server never answers).
 */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!fromOwnOrigin(req)) {
    throw new CodedError("origin_not_allowed", "the sandbox API answers only its own page (Origin mismatch)");
  }
  if (!isJson(req.headers["content-type"])) {
    throw new CodedError("unsupported_media_type", "send Content-Type: application/json");
  }
  const raw = await readBody(req, LIMIT);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw badRequest("body", "must be JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw badRequest("body", "must be an object");
  return parsed as Record<string, unknown>;
}

export function badRequest(path: string, message: string): CodedError {
  return new CodedError("invalid_payload", `${path} ${message}`, { details: [{ path, message }] });
}

export function stringField(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== "string" || value === "") throw badRequest(key, "is required");
  return value;
}

export function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}
