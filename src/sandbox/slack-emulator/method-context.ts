/** What every Web API method handler gets, and the reply helpers they share. */
import type { SurfaceCheck } from "./block-kit-limits.js";
import type { TriggerRegistry } from "./trigger-registry.js";
import type { ApiReply, EmulatorChange, Json, JsonObject } from "./types.js";
import type { WorkspaceState } from "./workspace-state.js";

export interface MethodContext {
  state: WorkspaceState;
  triggers: TriggerRegistry;
  emit(change: EmulatorChange): void;
  now(): number;
}

export interface MethodRequest {
  args: JsonObject;
  /** Fields sent as JSON strings that did not parse. */
  undecodable: readonly string[];
}

export type MethodHandler = (ctx: MethodContext, req: MethodRequest) => ApiReply;

export function ok(body: JsonObject = {}, warnings: string[] = []): ApiReply {
  return { status: 200, body: { ok: true, ...body }, warnings };
}

export function fail(error: string, extra: JsonObject = {}): ApiReply {
  return { status: 200, body: { ok: false, error, ...extra } };
}

/** invalid_arguments with Slack's `response_metadata.messages`, e.g. ["invalid `trigger_id`"]. */
export function invalidArguments(...messages: string[]): ApiReply {
  return fail("invalid_arguments", { response_metadata: { messages } });
}

/**
 * The refusal for a surface that breaks Block Kit rules. When Slack's schema check failed it also
 * lists the messages, without "[ERROR] ", under `errors` (fixture web-api.invalid_blocks.section-too-long).
 */
export function surfaceFailure(check: SurfaceCheck): ApiReply {
  const body: JsonObject = { ok: false, error: check.error ?? "invalid_arguments" };
  if (check.schemaMismatch) body.errors = check.messages.map((m) => m.replace(/^\[ERROR\] /, ""));
  if (check.messages.length > 0) body.response_metadata = { messages: check.messages };
  return { status: 200, body };
}

export function str(value: Json | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

export function bool(value: Json | undefined): boolean {
  return value === true || value === "true" || value === "1" || value === 1;
}
