/**
 * `tollgate report`: CI sends one piece of evidence (SPEC §3.1). `--junit FILE…` reads JUnit XML
 * reports and sets `status` and `summary` from them. Exit codes (SPEC §1): 0 accepted,
 * 1 rejected (here or by the server), 2 unreachable.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Option } from "commander";
import { type JunitInput, type JunitResult, summariseJunitReports } from "../adapters/junit/parse-junit.js";
import { EVIDENCE_KINDS, EVIDENCE_STATUSES } from "../domain/evidence.js";
import type { CliIo } from "./io.js";
import { buildEvidence, type ReportFlags } from "./report-body.js";
import { runGuarded, sendOrPrint, type WriteFlags, writeCommand } from "./write-command.js";

export async function runReport(argv: string[], io: CliIo): Promise<number> {
  return runGuarded(io, async () => {
    const program = writeCommand("report", io)
      .description("sign and send evidence about an artifact (or a commit) to Tollgate")
      .option("--artifact <ref>", "artifact name, name@sha256:<64 hex>, or name@<version> (with --digest)")
      .option("--digest <digest>", "sha256:<64 hex> (omit, with --commit, for commit-scoped evidence)")
      .option("--version <version>", "artifact version, e.g. 1.4.2")
      .option("--commit <sha>", "git commit (7-40 hex) the artifact was built from")
      .option("--repository <repo>", "source repository of the artifact")
      .addOption(new Option("--kind <kind>", "evidence kind").choices(EVIDENCE_KINDS).default("test"))
      .option("--name <name>", "evidence name, as contracts require it (e.g. e2e, trivy)")
      .addOption(
        new Option("--status <status>", "outcome (set from --junit when omitted)").choices(EVIDENCE_STATUSES),
      )
      .option("--environment <env>", "environment the evidence was gathered in")
      .option(
        "--summary <k=v,...>",
        "counts, e.g. total=412,failed=0 (repeatable; overrides --junit)",
        collect,
        [],
      )
      .option("--link <url>", "link to the CI run or report (the evidence `url`)")
      .option("--observed-at <time>", "ISO 8601 time it was observed (default: when received)")
      .option("--details-file <file>", "JSON object stored as `details` (at most 64 KiB)")
      .option("--junit <files...>", "JUnit XML report(s): sets status and summary");
    program.parse(argv, { from: "user" });
    const flags = program.opts<ReportFlags & WriteFlags>();
    // Files are read before the flags are judged, so ONE run lists the problems of both (docs/ci.md).
    const fileProblems: string[] = [];
    const junit = flags.junit === undefined ? undefined : await readJunit(flags.junit, io.cwd, fileProblems);
    const details =
      flags.detailsFile === undefined
        ? undefined
        : await readDetails(flags.detailsFile, io.cwd, fileProblems);
    const body = buildEvidence(flags, { junit, details, fileProblems });
    const what = `${body.kind} evidence "${String(body.name)}" (${body.status}${totalOf(body.summary)})`;
    return sendOrPrint(io, flags, "api/v1/evidence", body, what);
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The merged JUnit outcome, or undefined with a problem for each file that cannot be used. */
async function readJunit(files: string[], cwd: string, problems: string[]): Promise<JunitResult | undefined> {
  // Read in parallel, reported in the order given, so the same files always print the same list.
  const read = await Promise.all(
    files.map(async (source) => ({ source, text: await readText(source, cwd) })),
  );
  const inputs: JunitInput[] = [];
  for (const { source, text } of read) {
    if (typeof text === "string") inputs.push({ source, xml: text });
    else problems.push(text.problem);
  }
  const outcome = summariseJunitReports(inputs);
  if ("problems" in outcome) problems.push(...outcome.problems);
  return "result" in outcome && inputs.length === files.length ? outcome.result : undefined;
}

async function readDetails(file: string, cwd: string, problems: string[]): Promise<string | undefined> {
  const text = await readText(file, cwd);
  if (typeof text === "string") return text;
  problems.push(text.problem);
  return undefined;
}

async function readText(file: string, cwd: string): Promise<string | { problem: string }> {
  try {
    return await readFile(resolve(cwd, file), "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { problem: `${file}: cannot read (${typeof code === "string" ? code : String(error)})` };
  }
}

function totalOf(summary: Record<string, number> | undefined): string {
  return summary?.total === undefined ? "" : `, ${summary.total} total`;
}
