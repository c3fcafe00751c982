/**
 * `tollgate assert <artifact> --to <env>` (SPEC §1): a pipeline gate. Asks the read API (§3.6),
 * prints every check, and exits 0 when ready, 1 when not (waiting, blocked, or an artifact not
 * registered yet), 2 when Tollgate cannot be reached or fails (5xx), so a pipeline can tell "no"
 * from "down".
 * NOTE: beyond SPEC's 0/1/2, a mistake that no wait will cure has a code of its own, so a gate that
 * retries on 1 does not wait forever on a typo: 64 (EX_USAGE) for the command as typed (a missing
 * flag, an environment with no contract, an ambiguous or malformed reference), 78 (EX_CONFIG) for
 * the setup (the read API is off, the token is refused).
 */
import { Command, CommanderError, Option } from "commander";
import { z } from "zod";
import type { CliIo } from "./io.js";
import { nonNegativeInt, runGuarded } from "./write-command.js";

const SYMBOL: Record<string, string> = {
  passed: "✅",
  failed: "❌",
  pending: "⏳",
  waiting: "⏳",
  stale: "⚠️",
};

interface AssertFlags {
  to: string;
  url?: string;
  token?: string;
  timeoutMs: number;
  json?: boolean;
}

interface ReadinessBody {
  artifact?: { name?: string; digest?: string; version?: string | null };
  environment?: string;
  verdict?: string;
  checks?: { id: string; status: string; reason: string }[];
  contract_revision?: string;
  error?: string;
  message?: string;
  candidates?: { name: string; digest: string; version?: string | null }[];
  issues?: { path: string; message: string }[];
}

/**
 * What a 200 from Tollgate's readiness route carries (SPEC §3.6). A gate must not pass on an
 * answer it cannot read: a wrong TOLLGATE_URL (a proxy page, another service) is "unreachable".
 */
const READINESS_ANSWER = z.object({
  artifact: z.object({ name: z.string(), digest: z.string() }),
  environment: z.string(),
  verdict: z.enum(["ready", "waiting", "blocked"]),
  checks: z.array(z.object({ id: z.string(), status: z.string(), reason: z.string() })),
  contract_revision: z.string(),
});

type Fetched =
  | { kind: "answer"; status: number; body: ReadinessBody }
  | { kind: "unreachable"; reason: string };

async function fetchReadiness(url: URL, token: string | undefined, timeoutMs: number): Promise<Fetched> {
  try {
    const headers: Record<string, string> = { accept: "application/json" };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: ReadinessBody = {};
    try {
      body = JSON.parse(text) as ReadinessBody;
    } catch {
      if (response.status < 500) return { kind: "unreachable", reason: `HTTP ${response.status}: not JSON` };
    }
    return { kind: "answer", status: response.status, body };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as Error).name;
    return {
      kind: "unreachable",
      reason: name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : (cause ?? String(error)),
    };
  }
}

function printReadiness(io: CliIo, body: ReadinessBody): void {
  const a = body.artifact ?? {};
  const version = a.version ? ` (${a.version})` : "";
  io.stdout(
    `${a.name}@${a.digest}${version} → ${body.environment}: ${(body.verdict ?? "?").toUpperCase()}\n`,
  );
  const checks = body.checks ?? [];
  const width = Math.max(0, ...checks.map((c) => c.id.length));
  for (const check of checks) {
    io.stdout(`  ${SYMBOL[check.status] ?? "?"} ${check.id.padEnd(width)}  ${check.reason}\n`);
  }
  io.stdout(`contract ${body.contract_revision}\n`);
}

/** sysexits.h: the command was used wrongly. */
export const EX_USAGE = 64;
/** sysexits.h: something is misconfigured. */
export const EX_CONFIG = 78;

/** The exit code of a refusal (not 200, not 5xx): 1 only when waiting may change the answer. */
function refusalCode(status: number, body: ReadinessBody): number {
  // 404 not_found: the read API is off (no TOLLGATE_API_TOKENS), or this server has no such route.
  if (status === 401 || status === 403 || (status === 404 && body.error === "not_found")) return EX_CONFIG;
  switch (body.error) {
    case "environment_not_found":
    case "invalid_payload":
    case "invalid_reference":
    case "artifact_ambiguous":
      return EX_USAGE;
    default:
      // artifact_not_found among them: the build may not be registered yet, so "not ready".
      return 1;
  }
}

function printRefusal(io: CliIo, status: number, body: ReadinessBody): void {
  io.stderr(`tollgate: ${body.error ?? `HTTP ${status}`}${body.message ? `: ${body.message}` : ""}\n`);
  for (const issue of body.issues ?? [])
    io.stderr(`  ${issue.path === "environment" ? "--to" : issue.path}: ${issue.message}\n`);
  if (body.error === "unauthorized")
    io.stderr("hint: set TOLLGATE_API_TOKEN or pass --token (one of TOLLGATE_API_TOKENS)\n");
  if (status === 404 && body.error === "not_found")
    io.stderr("hint: start Tollgate with TOLLGATE_API_TOKENS set, and check TOLLGATE_URL (or --url)\n");
  for (const c of body.candidates ?? [])
    io.stderr(`  ${c.name}@${c.digest}${c.version ? ` (${c.version})` : ""}\n`);
}

async function assertReady(io: CliIo, ref: string, flags: AssertFlags): Promise<number> {
  const base = flags.url ?? io.env.TOLLGATE_URL ?? "http://localhost:3000";
  if (!URL.canParse(base)) {
    io.stderr(`tollgate: --url: "${base}" is not a URL\n`);
    return EX_USAGE;
  }
  const url = new URL("/api/v1/readiness", base);
  url.searchParams.set("artifact", ref);
  url.searchParams.set("environment", flags.to);
  const token = flags.token ?? (io.env.TOLLGATE_API_TOKEN || undefined);
  const result = await fetchReadiness(url, token, flags.timeoutMs);
  if (result.kind === "unreachable") {
    io.stderr(`tollgate: unreachable: ${url.origin}: ${result.reason}\n`);
    return 2;
  }
  if (result.status >= 500) {
    io.stderr(`tollgate: unreachable: ${url.origin} answered ${result.status} ${result.body.error ?? ""}\n`);
    return 2;
  }
  if (result.status !== 200) {
    printRefusal(io, result.status, result.body);
    return refusalCode(result.status, result.body);
  }
  if (!READINESS_ANSWER.safeParse(result.body).success) {
    io.stderr(
      `tollgate: unreachable: ${url.origin} answered 200, but not with a Tollgate readiness answer\n`,
    );
    io.stderr("hint: check TOLLGATE_URL (or --url): it should be Tollgate's base URL\n");
    return 2;
  }
  if (flags.json) io.stdout(`${JSON.stringify(result.body, null, 2)}\n`);
  else printReadiness(io, result.body);
  return result.body.verdict === "ready" ? 0 : 1;
}

export async function runAssert(argv: string[], io: CliIo): Promise<number> {
  return runGuarded(io, async () => {
    const program = new Command("tollgate assert")
      .exitOverride()
      .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
      .argument("<artifact>", "name@sha256:<hex>, name@<version>, sha256:<hex>, or a name")
      .requiredOption("--to <env>", "target environment")
      .addOption(
        new Option("--url <url>", "Tollgate base URL (default $TOLLGATE_URL or http://localhost:3000)"),
      )
      .addOption(new Option("--token <token>", "read API bearer token (default $TOLLGATE_API_TOKEN)"))
      .option("--timeout-ms <ms>", "give up after this long (exit 2)", nonNegativeInt, 10_000)
      .option("--json", "print the API's JSON answer instead of the check list")
      .addHelpText("after", EXIT_CODES);
    try {
      program.parse(argv, { from: "user" });
    } catch (error) {
      if (error instanceof CommanderError && error.exitCode !== 0) return EX_USAGE;
      throw error;
    }
    const [ref] = program.args;
    return assertReady(io, ref ?? "", program.opts<AssertFlags>());
  });
}

const EXIT_CODES = `
Exit codes:
  0   ready
  1   not ready: waiting, blocked, or no such artifact yet (it may not be registered)
  2   unreachable: no answer, a timeout, a 5xx, or an answer that is not Tollgate's
  64  usage (beyond SPEC's 0/1/2): a missing or bad flag, an environment with no contract,
      an ambiguous or malformed artifact reference
  78  configuration (beyond SPEC's 0/1/2): the read API is off (start Tollgate with
      TOLLGATE_API_TOKENS) or the token is refused (TOLLGATE_API_TOKEN, --token)
A gate may retry on 1 and 2; 64 and 78 do not go away by waiting.`;
