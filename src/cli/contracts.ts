/**
 * `tollgate contracts check [DIR]` (SPEC §1): validates every contract file and prints each problem
 * as `file:line:col message`, the format editors and CI problem matchers understand.
 * Exit 0 valid, 1 invalid, 64 usage error.
 */
import { parseArgs } from "node:util";
import { formatContractError, loadContractSet } from "../adapters/contracts/index.js";
import type { Contract, ContractSet } from "../domain/contract.js";
import { formatDuration } from "../domain/duration.js";
import { localTimeNote } from "../domain/freeze-window.js";
import type { CliIo } from "./io.js";

const USAGE = `Usage: tollgate contracts check [DIR]

Validates contract files (<environment>.yml) in DIR, default $CONTRACTS_DIR or ./contracts.
Exit status: 0 valid, 1 invalid, 64 usage error.
`;

export async function runContracts(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr(`tollgate contracts: ${(error as Error).message}\n\n${USAGE}`);
    return 64;
  }
  if (parsed.values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const [subcommand, dir, ...extra] = parsed.positionals;
  if (subcommand !== "check" || extra.length > 0) {
    const what =
      subcommand === undefined
        ? "missing subcommand"
        : extra.length > 0
          ? "too many arguments"
          : `unknown subcommand "${subcommand}"`;
    io.stderr(`tollgate contracts: ${what}\n\n${USAGE}`);
    return 64;
  }
  return check(dir ?? io.env.CONTRACTS_DIR ?? "./contracts", io);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { help: { type: "boolean", short: "h" } },
  });
}

function check(dir: string, io: CliIo): number {
  const result = loadContractSet(dir, { cwd: io.cwd });
  if (!result.ok) {
    for (const error of result.errors) io.stdout(`${formatContractError(error)}\n`);
    const files = new Set(result.errors.map((e) => e.file)).size;
    io.stdout(`\n${result.errors.length} problem(s) in ${files} file(s); contracts not valid\n`);
    return 1;
  }
  const width = Math.max(...result.set.order.map((env) => env.length));
  for (const env of result.set.order) {
    const contract = result.set.contracts.get(env)!;
    io.stdout(`ok  ${env.padEnd(width)}  ${summarise(contract)}\n`);
    for (const note of freezeNotes(contract)) io.stdout(`    note: ${note}\n`);
  }
  io.stdout(`\n${result.set.order.length} contract(s) valid: ${promotionLines(result.set).join("; ")}\n`);
  return 0;
}

/**
 * The promotion lines the `after` keys draw, each from a first stage to a last: "dev → staging →
 * prod". Independent stages are separate lines, not one chain the contracts never define.
 */
export function promotionLines(set: Pick<ContractSet, "order" | "contracts">): string[] {
  const next = new Map<string, string[]>();
  for (const env of set.order) {
    const after = set.contracts.get(env)?.after;
    if (after !== undefined) next.set(after, [...(next.get(after) ?? []), env]);
  }
  const lines: string[] = [];
  const walk = (path: string[]): void => {
    const last = path.at(-1) as string;
    const following = next.get(last) ?? [];
    if (following.length === 0) lines.push(path.join(" → "));
    for (const env of following) walk([...path, env]);
  };
  for (const env of set.order) if (set.contracts.get(env)?.after === undefined) walk([env]);
  return lines;
}

/** Dated freeze bounds a daylight-saving change skips or repeats (valid, but worth a look). */
function freezeNotes(c: Contract): string[] {
  return c.freeze.flatMap((window, i) =>
    window.kind !== "dated"
      ? []
      : (["from", "to"] as const).flatMap((end) => {
          const note = localTimeNote(window[end], c.timezone);
          return note === undefined ? [] : [`freeze[${i}].${end} ${note}`];
        }),
  );
}

/** One line per environment: enough to see at a glance that the file says what was meant. */
export function summarise(c: Contract): string {
  const parts = [c.after === undefined ? "first stage" : `after ${c.after}`];
  const artifact = [
    c.artifact.sameAs && `same digest as ${c.artifact.sameAs}`,
    c.artifact.soakMs !== undefined && `soak ${formatDuration(c.artifact.soakMs)}`,
    c.artifact.maxAgeMs !== undefined && `max age ${formatDuration(c.artifact.maxAgeMs)}`,
  ].filter(Boolean);
  if (artifact.length > 0) parts.push(artifact.join(", "));
  if (c.evidence.length > 0) parts.push(`evidence ${c.evidence.map((e) => e.name ?? e.kind).join(", ")}`);
  if (c.drift)
    parts.push(
      `drift vs ${c.drift.compareTo}${c.drift.digest ? ` (digest "${c.drift.digest.schedule}")` : ""}`,
    );
  if (c.approvals) parts.push(`${c.approvals.required} approval(s)`);
  if (c.freeze.length > 0) parts.push(`${c.freeze.length} freeze window(s)`);
  if (c.rollback) parts.push(`rollback ${c.rollback.action}`);
  if (c.deploy) parts.push("deploy webhook");
  if (c.channel === undefined) parts.push("no channel: no Slack cards");
  parts.push(c.revision.slice(0, "sha256:".length + 12));
  return parts.join(" · ");
}
