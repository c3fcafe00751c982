/**
 * `tollgate audit verify` (exit 0 intact, 1 broken — printing the first broken entry) and
 * `tollgate audit export [--since T] [--format jsonl|csv]` (SPEC §1, §7), on DATABASE_URL directly.
 */
import { existsSync } from "node:fs";
import { createAuditStore, type ExportFormat } from "../adapters/sqlite/audit-store.js";
import { openDatabase } from "../adapters/sqlite/open-database.js";
import { sqlitePathFrom } from "../config.js";
import { isCodedError } from "../errors.js";
import type { CliIo } from "./io.js";
import { EX_USAGE, refuseArguments } from "./no-options.js";

const USAGE =
  "Usage: tollgate audit verify\n       tollgate audit export [--since <ISO time>] [--format jsonl|csv]\n";

function parseExport(argv: string[]): { since?: Date; format: ExportFormat } | string {
  let since: Date | undefined;
  let format: ExportFormat = "jsonl";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.split("=", 2) as [string, string | undefined];
    if (flag !== "--since" && flag !== "--format") return `unknown option ${arg}`;
    const value = inline ?? argv[++i];
    if (flag === "--since") {
      const parsed = value === undefined ? Number.NaN : Date.parse(value);
      if (Number.isNaN(parsed))
        return `--since needs a time like 2026-11-27T10:00:00Z (got ${value ?? "nothing"})`;
      since = new Date(parsed);
    } else if (flag === "--format") {
      if (value !== "jsonl" && value !== "csv") return `--format is jsonl or csv (got ${value ?? "nothing"})`;
      format = value;
    }
  }
  return since === undefined ? { format } : { since, format };
}

export async function runAudit(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h") {
    io.stdout(USAGE);
    return 0;
  }
  if (sub !== "verify" && sub !== "export") {
    io.stderr(USAGE);
    return EX_USAGE;
  }
  if (sub === "verify") {
    const refused = refuseArguments("audit verify", rest, USAGE, io);
    if (refused !== undefined) return refused;
  } else if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(USAGE);
    return 0;
  }
  const options = sub === "export" ? parseExport(rest) : { format: "jsonl" as const };
  if (typeof options === "string") {
    io.stderr(`tollgate audit: ${options}\n${USAGE}`);
    return EX_USAGE;
  }
  let path: string;
  try {
    path = sqlitePathFrom(io.env.DATABASE_URL);
  } catch (error) {
    if (!isCodedError(error)) throw error;
    io.stderr(`tollgate audit: ${error.message}\n`);
    return 1;
  }
  if (path !== ":memory:" && !existsSync(path)) {
    io.stderr(`tollgate audit: no database at ${path} (set DATABASE_URL)\n`);
    return 1;
  }
  const db = openDatabase(path);
  try {
    const audit = createAuditStore(db);
    if (sub === "export") {
      audit.export(options, io.stdout);
      return 0;
    }
    const verdict = audit.verify();
    if (verdict.ok) {
      io.stdout(`audit ledger intact: ${verdict.count} entries, head ${verdict.lastHash}\n`);
      return 0;
    }
    const { broken } = verdict;
    io.stdout(
      `audit ledger BROKEN at entry ${broken.seq}: ${verdict.reason}\n` +
        `${JSON.stringify({ ...broken, at: new Date(broken.at).toISOString() })}\n` +
        `${verdict.count} entries before it verified.\n`,
    );
    return 1;
  } finally {
    db.close();
  }
}
