/**
 * `tollgate report`: CI sends one piece of evidence (SPEC §3.1). `--junit FILE…` reads JUnit XML
 * reports and sets `status` and `summary` from them. Exit codes (SPEC §1): 0 accepted,
 * 1 rejected (here or by the server), 2 unreachable.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Option } from "commander";
import { parseJunitReports } from "../adapters/junit/parse-junit.js";
import { EVIDENCE_KINDS, EVIDENCE_STATUSES } from "../domain/evidence.js";
import type { CliIo } from "./io.js";
import { buildEvidence, type ReportFlags } from "./report-body.js";
import { InputProblems, runGuarded, sendOrPrint, type WriteFlags, writeCommand } from "./write-command.js";

export async function runReport(argv: string[], io: CliIo): Promise<number> {
  return runGuarded(io, async () => {
    const program = writeCommand("report", io)
      .description("sign and send evidence about an artifact (or a commit) to Tollgate")
      .option("--artifact <ref>", "artifact name, or name@sha256:<64 hex>")
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
    const junit = flags.junit === undefined ? undefined : await readJunit(flags.junit, io.cwd);
    const details = flags.detailsFile === undefined ? undefined : await readText(flags.detailsFile, io.cwd);
    const body = buildEvidence(flags, { junit, details });
    const what = `${body.kind} evidence "${String(body.name)}" (${body.status}${totalOf(body.summary)})`;
    return sendOrPrint(io, flags, "api/v1/evidence", body, what);
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function readJunit(files: string[], cwd: string): Promise<ReturnType<typeof parseJunitReports>> {
  const inputs = await Promise.all(
    files.map(async (file) => ({ source: file, xml: await readText(file, cwd) })),
  );
  return parseJunitReports(inputs);
}

async function readText(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new InputProblems([`${file}: cannot read (${typeof code === "string" ? code : String(error)})`]);
  }
}

function totalOf(summary: Record<string, number> | undefined): string {
  return summary?.total === undefined ? "" : `, ${summary.total} total`;
}
