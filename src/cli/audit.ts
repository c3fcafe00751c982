/**
 * `tollgate audit verify [--expect-head <seq>:<hash>]` and
 * `tollgate audit export [--since T] [--format jsonl|csv]` (SPEC §1, §7), on DATABASE_URL directly.
 *
 * Exit status: 0 intact, 1 broken (the first broken entry is printed, or the expected head is
 * gone), 64 usage error, 78 (EX_CONFIG) when there is no ledger to check: DATABASE_URL malformed,
 * missing, or not a Tollgate database. NOTE: never 1 for those: a job watching for tampering
 * must not raise the alarm over a wrong path, nor stay quiet because the check never ran.
 */
import { didYouMean } from "../adapters/contracts/suggest.js";
import { createAuditStore } from "../adapters/sqlite/audit-store.js";
import { type Db, openDatabase } from "../adapters/sqlite/open-database.js";
import { sqlitePathFrom } from "../config.js";
import { isCodedError } from "../errors.js";
import { expectedHeadProblem, headOf, shownHash } from "./audit-head.js";
import { parseExportOptions, parseVerifyOptions, type VerifyOptions } from "./audit-options.js";
import { inspectDatabaseFile, isSqliteError, notALedger } from "./database-file.js";
import type { CliIo } from "./io.js";
import { EX_CONFIG, EX_USAGE } from "./no-options.js";

const USAGE = `Usage: tollgate audit verify [--expect-head <seq>:<hash>]
       tollgate audit export [--since <ISO time>] [--format jsonl|csv]

verify checks that every entry matches its hash and links to the one before. Entries removed
from the end leave no trace in the chain: keep the head it prints and pass it to a later run
as --expect-head (a hash prefix of 12 or more hex characters is enough).
Exit status: 0 intact, 1 broken, 64 usage error, 78 no Tollgate database at DATABASE_URL.
`;

const SUBCOMMANDS = ["verify", "export"];

type AuditRun = (db: Db, io: CliIo) => number;

export async function runAudit(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h" || rest.includes("--help") || rest.includes("-h")) {
    io.stdout(USAGE);
    return 0;
  }
  if (sub !== "verify" && sub !== "export") {
    if (sub !== undefined)
      io.stderr(`tollgate audit: unknown subcommand "${sub}"${didYouMean(sub, SUBCOMMANDS)}\n`);
    io.stderr(USAGE);
    return EX_USAGE;
  }
  const run = sub === "export" ? exportRun(rest) : verifyRun(rest);
  if (typeof run === "string") {
    io.stderr(`tollgate audit ${sub}: ${run}\n${USAGE}`);
    return EX_USAGE;
  }
  const db = openLedger(io);
  if (db === undefined) return EX_CONFIG;
  try {
    return run(db, io);
  } finally {
    db.close();
  }
}

function exportRun(argv: string[]): AuditRun | string {
  const options = parseExportOptions(argv);
  if (typeof options === "string") return options;
  return (db, io) => {
    createAuditStore(db).export(options, io.stdout);
    return 0;
  };
}

function verifyRun(argv: string[]): AuditRun | string {
  const options = parseVerifyOptions(argv);
  return typeof options === "string" ? options : (db, io) => verifyLedger(db, options, io);
}

/** The database at DATABASE_URL when it holds the ledger; otherwise says why, in one line. */
function openLedger(io: CliIo): Db | undefined {
  let path: string;
  try {
    path = sqlitePathFrom(io.env.DATABASE_URL);
  } catch (error) {
    if (!isCodedError(error)) throw error;
    io.stderr(`tollgate audit: ${error.message}\n${error.hint === undefined ? "" : `hint: ${error.hint}\n`}`);
    return undefined;
  }
  const problem = notALedger(path, inspectDatabaseFile(path));
  if (problem !== undefined) {
    io.stderr(`tollgate audit: ${problem}\n`);
    return undefined;
  }
  try {
    return openDatabase(path);
  } catch (error) {
    // e.g. a read-only copy: turning WAL on needs to write.
    if (!isSqliteError(error)) throw error;
    io.stderr(`tollgate audit: ${path} cannot be opened (${error.code}: ${error.message})\n`);
    return undefined;
  }
}

function verifyLedger(db: Db, options: VerifyOptions, io: CliIo): number {
  const verdict = createAuditStore(db).verify();
  if (!verdict.ok) {
    const { broken } = verdict;
    io.stdout(
      `audit ledger BROKEN at entry ${broken.seq}: ${verdict.reason}\n` +
        `${JSON.stringify({ ...broken, at: new Date(broken.at).toISOString() })}\n` +
        `${verdict.count} entries before it verified.\n`,
    );
    return 1;
  }
  const head = verdict.count === 0 ? undefined : headOf(db, verdict.lastHash);
  const expected = options.expectHead;
  const gone = expected === undefined ? undefined : expectedHeadProblem(db, expected, head);
  if (gone !== undefined) {
    io.stdout(`audit ledger BROKEN: ${gone}\n`);
    return 1;
  }
  const at = head === undefined ? " (empty)" : `, head #${head.seq} ${shownHash(head.hash)}`;
  io.stdout(`audit ledger intact: ${verdict.count} entries${at}\n`);
  if (expected !== undefined)
    io.stdout(
      `entry #${expected.seq} still has the expected hash: nothing up to it was removed or changed\n`,
    );
  else if (head !== undefined)
    io.stdout(
      `(every entry matches its hash and links to the one before; entries removed from the end leave no trace, so compare the head with one recorded earlier: --expect-head ${head.seq}:${shownHash(head.hash)})\n`,
    );
  return 0;
}
