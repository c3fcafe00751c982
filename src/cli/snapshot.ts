/**
 * `tollgate snapshot`: sends one environment configuration snapshot (SPEC §3.3). FILE is a full
 * snapshot body (`{environment, taken_at, source, config}`) or just the config, in JSON or YAML;
 * `--from FORMAT` reads FILE as a flagd / LaunchDarkly / Unleash / Kubernetes export instead.
 * NOTE: the newest snapshot of an environment replaces the previous one, so a team that keeps
 * flags and deployments in different tools adds them to ONE snapshot with `--add FORMAT=FILE`.
 */
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { Option } from "commander";
import { parse as parseYaml } from "yaml";
import { IMPORT_FORMATS, importConfig, isImportFormat } from "../adapters/importers/import-config.js";
import type { CliIo } from "./io.js";
import { buildSnapshot, type SnapshotFlags, type SnapshotPart } from "./snapshot-body.js";
import { InputProblems, runGuarded, sendOrPrint, type WriteFlags, writeCommand } from "./write-command.js";

export async function runSnapshot(argv: string[], io: CliIo): Promise<number> {
  return runGuarded(io, async () => {
    const program = writeCommand("snapshot", io)
      .description("send an environment configuration snapshot to Tollgate")
      .argument("[file]", "snapshot or config (JSON/YAML), or an export read with --from")
      .option("--environment <env>", "environment the snapshot describes (required unless FILE names it)")
      .option("--taken-at <time>", "ISO 8601 time the state was read (default: now)")
      .option("--source <label>", "where the snapshot came from (default: the import formats, or FILE's)")
      .addOption(new Option("--from <format>", "read FILE as this export format").choices(IMPORT_FORMATS))
      .option(
        "--add <format=file>",
        `merge another source: ${[...IMPORT_FORMATS, "file"].join("|")}=PATH (repeatable)`,
        collect,
        [],
      )
      .option(
        "--flag-environment <key>",
        "environment key inside a LaunchDarkly/Unleash export (default: --environment)",
      )
      .option("--no-rules", "leave flag targeting/strategies (flag_rules) out of flag imports");
    program.parse(argv, { from: "user" });
    const flags = program.opts<SnapshotFlags & WriteFlags & { add: string[]; rules: boolean }>();
    const parts = await readParts(program.args[0], flags, io.cwd);
    const body = buildSnapshot(parts, flags, new Date());
    const categories = Object.keys(body.config).length;
    return sendOrPrint(
      io,
      flags,
      "api/v1/snapshots",
      body,
      `snapshot of ${body.environment} (${categories} ${categories === 1 ? "category" : "categories"})`,
    );
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function readParts(
  file: string | undefined,
  flags: SnapshotFlags & { add: string[]; rules: boolean; from?: string },
  cwd: string,
): Promise<SnapshotPart[]> {
  const wanted: Array<{ format: string; file: string }> = [];
  if (file !== undefined) wanted.push({ format: flags.from ?? "file", file });
  else if (flags.from !== undefined) throw new InputProblems(["--from: name the FILE to read"]);
  for (const spec of flags.add) {
    const eq = spec.indexOf("=");
    const format = spec.slice(0, eq);
    if (eq <= 0 || (format !== "file" && !isImportFormat(format))) {
      throw new InputProblems([
        `--add: "${spec}" must be FORMAT=PATH with FORMAT one of ${[...IMPORT_FORMATS, "file"].join(", ")}`,
      ]);
    }
    wanted.push({ format, file: spec.slice(eq + 1) });
  }
  if (wanted.length === 0) throw new InputProblems(["FILE: name a snapshot file (or --add FORMAT=PATH)"]);
  const options = {
    environment: flags.environment,
    flagEnvironment: flags.flagEnvironment,
    rules: flags.rules,
  };
  return Promise.all(
    wanted.map(async ({ format, file: path }) => {
      const doc = await readDocument(path, cwd);
      if (format === "file" || !isImportFormat(format)) return { label: path, format: "file", doc };
      return { label: path, format, doc, config: importConfig(format, doc, options) };
    }),
  );
}

async function readDocument(file: string, cwd: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new InputProblems([`${file}: cannot read (${typeof code === "string" ? code : String(error)})`]);
  }
  try {
    // YAML aliases are capped (yaml's maxAliasCount) so a "billion laughs" file cannot balloon.
    return extname(file).toLowerCase() === ".json"
      ? JSON.parse(text)
      : parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new InputProblems([
      `${file}: not valid JSON/YAML (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
}
