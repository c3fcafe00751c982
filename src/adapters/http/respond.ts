/** JSON answers with the exact status and body of SPEC §3, keyed by stable error code. */
import type { ServerResponse } from "node:http";
import { CodedError, type ErrorCode } from "../../errors.js";

export interface Issue {
  path: string;
  message: string;
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  invalid_payload: 400,
  unauthorized: 401,
  origin_not_allowed: 403,
  host_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  artifact_conflict: 409,
  delivery_key_reused: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_ready: 503,
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function invalidPayload(issues: Issue[]): CodedError {
  return new CodedError("invalid_payload", "the request body does not match the schema", { details: issues });
}

/** Status and body for an error; anything without a known code is a 500 with no detail. */
export function errorResponse(error: unknown): { status: number; body: Record<string, unknown> } {
  if (!(error instanceof CodedError) || STATUS[error.code] === undefined) {
    return { status: 500, body: { error: "internal_error" } };
  }
  const status = STATUS[error.code] as number;
  switch (error.code) {
    case "invalid_payload":
      return { status, body: { error: error.code, issues: error.details } };
    case "payload_too_large":
      return { status, body: { error: error.code, limit: error.details } };
    case "artifact_conflict":
    case "delivery_key_reused":
    case "not_found":
    case "origin_not_allowed":
    case "host_not_allowed":
      return { status, body: { error: error.code, message: error.message } };
    default:
      // NOTE: 401 says nothing about why (SPEC §3): no hint which secret or which check failed.
      return { status, body: { error: error.code } };
  }
}
