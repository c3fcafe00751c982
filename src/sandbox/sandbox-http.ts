/** Small helpers for the sandbox page's own JSON endpoints (not part of the public API). */
import type { IncomingMessage } from "node:http";
import { readBody } from "../adapters/http/read-body.js";
import { CodedError } from "../errors.js";

const LIMIT = 64 * 1024;

export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
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
