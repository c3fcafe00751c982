/**
 * How `report` and `snapshot` talk to Tollgate: sign with the v1 scheme (SPEC §3), POST, and
 * retry what may succeed later (network errors, timeouts, 408/429/5xx) with backoff. Every
 * retry carries the SAME `X-Tollgate-Delivery` key, so a request that was stored but whose
 * answer got lost is answered `duplicate: true` instead of being stored twice. The timestamp
 * and signature are fresh per attempt: a long backoff must not push it past the 5-minute window.
 */
import { signedHeaders } from "../adapters/http/v1-signature.js";
import type { CliIo } from "./io.js";

export interface SendRequest {
  url: string;
  secret: string;
  body: string;
  delivery: string;
  retries: number;
  retryDelayMs: number;
  timeoutMs?: number;
}

export type SendOutcome =
  | { kind: "accepted"; status: number; id: string; duplicate: boolean; warnings: string[] }
  | { kind: "rejected"; status: number; error: string; detail: Record<string, unknown> }
  | { kind: "unreachable"; reason: string; final?: boolean };

const RETRYABLE = (status: number): boolean => status === 408 || status === 429 || status >= 500;

export async function sendSigned(request: SendRequest): Promise<SendOutcome> {
  let last: SendOutcome = { kind: "unreachable", reason: "no attempt made" };
  for (let attempt = 0; attempt <= request.retries; attempt += 1) {
    if (attempt > 0) await sleep(request.retryDelayMs * 2 ** (attempt - 1));
    last = await attemptOnce(request);
    if (last.kind !== "unreachable" || last.final === true) return last;
  }
  return last;
}

async function attemptOnce(request: SendRequest): Promise<SendOutcome> {
  const headers = {
    ...signedHeaders(request.secret, request.body, Math.floor(Date.now() / 1000)),
    "x-tollgate-delivery": request.delivery,
  };
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: "POST",
      headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs ?? 15_000),
    });
  } catch (error) {
    return {
      kind: "unreachable",
      reason: `${describeNetworkError(error)} at ${new URL(request.url).origin}`,
    };
  }
  const detail = await readJson(response);
  if (response.ok) {
    // NOTE: only Tollgate's own answer counts as stored. A wrong URL (a static site, a proxy's
    // login page) also answers 200, and CI would go green with the evidence dropped.
    if (detail.status !== "accepted" || typeof detail.id !== "string" || detail.id === "") {
      return {
        kind: "unreachable",
        reason: `HTTP ${response.status}, but not Tollgate's answer ({"status":"accepted","id":…}); check --url / TOLLGATE_URL`,
        final: true,
      };
    }
    return {
      kind: "accepted",
      status: response.status,
      id: detail.id,
      duplicate: detail.duplicate === true,
      warnings: warningsOf(detail),
    };
  }
  const error = typeof detail.error === "string" ? detail.error : `http_${response.status}`;
  if (RETRYABLE(response.status)) return { kind: "unreachable", reason: `HTTP ${response.status} ${error}` };
  return { kind: "rejected", status: response.status, error, detail };
}

/** The `warnings` of a 202 (an environment without a contract), as lines to print. */
function warningsOf(detail: Record<string, unknown>): string[] {
  if (!Array.isArray(detail.warnings)) return [];
  return detail.warnings.flatMap((w: unknown) => {
    const { code, message } = (w ?? {}) as { code?: unknown; message?: unknown };
    return typeof message === "string" ? [`${typeof code === "string" ? code : "warning"}: ${message}`] : [];
  });
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text().catch(() => "");
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  if (error instanceof Error && error.name === "TimeoutError") return "timed out";
  return error instanceof Error ? error.message : String(error);
}

const HINTS: Record<string, string> = {
  unauthorized:
    "check that TOLLGATE_SECRET (or --secret) is one of the server's TOLLGATE_WEBHOOK_SECRETS and that this machine's clock is within 5 minutes of the server's",
  artifact_conflict: "a digest's name and commit never change; check --artifact and --commit",
  payload_too_large: "evidence is limited to 1 MiB (details to 64 KiB), snapshots to 5 MiB",
};

/** Prints the outcome and returns the exit code of SPEC §1: 0 accepted, 1 rejected, 2 unreachable. */
export function reportOutcome(outcome: SendOutcome, io: CliIo, what: string, delivery: string): number {
  if (outcome.kind === "accepted") {
    const duplicate = outcome.duplicate ? " (duplicate delivery, stored once)" : "";
    io.stdout(`accepted ${what} id=${outcome.id} delivery=${delivery}${duplicate}\n`);
    // Still exit 0: it was stored. A warning says it will not count where it was meant to.
    for (const warning of outcome.warnings) io.stderr(`tollgate: warning: ${warning}\n`);
    return 0;
  }
  if (outcome.kind === "unreachable") {
    io.stderr(
      `tollgate: unreachable: ${outcome.reason} (delivery=${delivery}; re-run with the same --delivery to retry safely)\n`,
    );
    return 2;
  }
  const { detail } = outcome;
  const message = typeof detail.message === "string" ? `: ${detail.message}` : "";
  const limit = typeof detail.limit === "number" ? ` (limit ${detail.limit} bytes)` : "";
  io.stderr(`tollgate: rejected (${outcome.status} ${outcome.error})${message}${limit}\n`);
  for (const issue of Array.isArray(detail.issues) ? detail.issues : []) {
    const { path, message: text } = issue as { path?: unknown; message?: unknown };
    io.stderr(`  ${String(path ?? "")}: ${String(text ?? "")}\n`);
  }
  const hint = HINTS[outcome.error];
  if (hint !== undefined) io.stderr(`hint: ${hint}\n`);
  return 1;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
