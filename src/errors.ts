/**
 * Stable error codes. Logs, HTTP bodies, CLI output and Slack replies carry the code so users
 * and automations can match on it; the message is for humans and may change.
 */
export type ErrorCode =
  | "config_invalid"
  | "contract_invalid"
  | "migrations_out_of_sync"
  | "migration_failed"
  | "invalid_payload"
  | "unauthorized"
  | "artifact_conflict"
  | "delivery_key_reused"
  | "payload_too_large"
  | "unsupported_media_type"
  | "not_ready"
  | "not_found"
  | "artifact_not_found"
  | "artifact_ambiguous"
  | "environment_not_found"
  | "requester_not_allowed"
  | "approver_not_allowed"
  | "self_approval_not_allowed"
  | "contract_not_satisfied"
  | "promotion_not_open"
  | "promotion_already_open"
  | "environment_locked"
  | "freeze_active"
  | "slack_unavailable"
  | "unreachable"
  | "method_not_allowed"
  | "internal_error"
  | "promotion_transition_invalid"
  | "promotion_expired"
  | "lock_not_allowed"
  | "rollback_target_not_found"
  | "audit_chain_broken"
  | "drift_not_configured"
  | "invalid_reference"
  | "invalid_request"
  | "origin_not_allowed"
  | "host_not_allowed";

export class CodedError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CodedError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }
}

export function isCodedError(error: unknown, code?: ErrorCode): error is CodedError {
  return error instanceof CodedError && (code === undefined || error.code === code);
}
