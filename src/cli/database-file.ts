/**
 * What is at DATABASE_URL, asked before `audit` and `migrate` open it for real. A wrong file (a
 * config file, another application's database) used to end in a SqliteError stack trace, and for
 * `audit verify` in exit 1, which means "tampering" to the job that runs it.
 */
import { existsSync } from "node:fs";
import Database from "better-sqlite3";

export type DatabaseFile =
  | { kind: "missing" }
  | { kind: "sqlite"; tables: string[] }
  | { kind: "not_sqlite"; reason: string }
  | { kind: "unopenable"; reason: string };

/** Read-only, so a file that turns out not to be Tollgate's is left exactly as it was. */
export function inspectDatabaseFile(path: string): DatabaseFile {
  if (path === ":memory:") return { kind: "sqlite", tables: [] };
  if (!existsSync(path)) return { kind: "missing" };
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const rows = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[];
    return { kind: "sqlite", tables: rows.map((row) => row.name) };
  } catch (error) {
    if (!isSqliteError(error)) throw error;
    // NOTADB: not SQLite at all. SQLite reads an encrypted database the same way.
    if (error.code === "SQLITE_NOTADB") return { kind: "not_sqlite", reason: error.message };
    return { kind: "unopenable", reason: `${error.code}: ${error.message}` };
  } finally {
    db?.close();
  }
}

export function isSqliteError(error: unknown): error is InstanceType<typeof Database.SqliteError> {
  return error instanceof Database.SqliteError;
}

/**
 * Why `path` cannot hold the audit ledger, in one line, or undefined when it can. Each reason
 * names the file, because the usual cause is DATABASE_URL pointing somewhere else.
 */
export function notALedger(path: string, file: DatabaseFile): string | undefined {
  switch (file.kind) {
    case "missing":
      return `no database at ${path} (set DATABASE_URL to Tollgate's database)`;
    case "not_sqlite":
      return `${path} is not a Tollgate database (not a SQLite file: ${file.reason}); check DATABASE_URL`;
    case "unopenable":
      return `${path} cannot be opened (${file.reason}); check DATABASE_URL and the file's permissions`;
    case "sqlite":
      if (file.tables.includes("audit_log")) return undefined;
      return `${path} is not a Tollgate database (${tablesSaid(file.tables)}, no audit_log); check DATABASE_URL`;
  }
}

function tablesSaid(tables: string[]): string {
  if (tables.length === 0) return "it has no tables";
  const shown = tables.slice(0, 3).join(", ");
  return `its tables are ${shown}${tables.length > 3 ? ", …" : ""}`;
}
