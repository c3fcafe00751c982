/** `tollgate migrate`: applies pending migrations to DATABASE_URL and exits (0 ok, 1 failed). */
import { migrate } from "../adapters/sqlite/migrate.js";
import { openDatabase } from "../adapters/sqlite/open-database.js";
import { sqlitePathFrom } from "../config.js";
import { isCodedError } from "../errors.js";
import { inspectDatabaseFile } from "./database-file.js";
import type { CliIo } from "./io.js";
import { refuseArguments } from "./no-options.js";

const USAGE =
  "Usage: tollgate migrate\n\nApplies pending migrations to DATABASE_URL and exits (0 ok, 1 failed).\n";

export async function runMigrate(argv: string[], io: CliIo): Promise<number> {
  const refused = refuseArguments("migrate", argv, USAGE, io);
  if (refused !== undefined) return refused;
  try {
    const path = sqlitePathFrom(io.env.DATABASE_URL);
    // NOTE: SQLite's own words, "file is not a database", do not say which file.
    const existing = inspectDatabaseFile(path);
    if (existing.kind === "not_sqlite") {
      io.stderr(
        `tollgate migrate: ${path} is not a SQLite database (${existing.reason}); check DATABASE_URL\n`,
      );
      return 1;
    }
    const db = openDatabase(path);
    try {
      const { applied, current } = migrate(db);
      for (const file of applied) io.stdout(`applied ${file}\n`);
      io.stdout(
        `${path}: schema at version ${current}${applied.length === 0 ? " (nothing to apply)" : ""}\n`,
      );
      return 0;
    } finally {
      db.close();
    }
  } catch (error) {
    const code = isCodedError(error) ? `${error.code}: ` : "";
    const hint = isCodedError(error) && error.hint ? `\nhint: ${error.hint}` : "";
    io.stderr(`tollgate migrate: ${code}${(error as Error).message}${hint}\n`);
    return 1;
  }
}
