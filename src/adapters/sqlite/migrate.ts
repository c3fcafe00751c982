/**
 * Forward-only migrations from `migrations/NNNN_name.sql`, each in its own transaction. A database
 * that has applied a migration the files do not have, or has them in another order or with other
 * content, is refused with `migrations_out_of_sync` rather than guessed at.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CodedError } from "../../errors.js";
import type { Db } from "./open-database.js";

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** The repository's migrations folder, found from this file whether run from src/ or dist/. */
export function defaultMigrationsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = here.includes(`${join("dist", "src")}`) ? "../../../.." : "../../..";
  return join(here, up, "migrations");
}

export function readMigrations(dir: string): MigrationFile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".sql"));
  const migrations: MigrationFile[] = [];
  for (const file of files) {
    const match = FILE.exec(file);
    if (!match) throw new CodedError("migration_failed", `${file}: migration files are named NNNN_name.sql`);
    const sql = readFileSync(join(dir, file), "utf8");
    migrations.push({
      version: Number(match[1]),
      name: file,
      sql,
      checksum: createHash("sha256").update(sql).digest("hex"),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]?.version === migrations[i - 1]?.version) {
      throw new CodedError("migration_failed", `two migrations share number ${migrations[i]?.version}`);
    }
  }
  return migrations;
}

export interface MigrationResult {
  applied: string[];
  current: number;
}

const HAND_EDITED =
  "Migrations are forward-only: restore the original file, or add a new numbered migration. If schema_migrations was edited by hand, restore it from a backup.";

export function migrate(db: Db, dir: string = defaultMigrationsDir()): MigrationResult {
  const files = readMigrations(dir);
  refuseUnrecordedSchema(db);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const done = db.prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version").all() as {
    version: number;
    name: string;
    checksum: string;
  }[];

  for (const [index, row] of done.entries()) {
    const file = files[index];
    if (
      file === undefined ||
      file.version !== row.version ||
      file.name !== row.name ||
      file.checksum !== row.checksum
    ) {
      throw new CodedError("migrations_out_of_sync", mismatch(row, file, files, dir), { hint: HAND_EDITED });
    }
  }

  const applied: string[] = [];
  const record = db.prepare(
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
  );
  for (const file of files.slice(done.length)) {
    try {
      db.transaction(() => {
        db.exec(file.sql);
        record.run(file.version, file.name, file.checksum, Date.now());
      }).immediate();
    } catch (error) {
      throw new CodedError("migration_failed", `${file.name}: ${(error as Error).message}`, {
        cause: error,
        hint: `Nothing of ${file.name} was kept (it runs in one transaction). ${HAND_EDITED}`,
      });
    }
    applied.push(file.name);
  }
  return { applied, current: files.at(-1)?.version ?? 0 };
}

/** When the first migration ran on this database (the installation began), if it ever did. */
export function installedAt(db: Db): Date | undefined {
  const row = db.prepare("SELECT min(applied_at) AS at FROM schema_migrations").get() as {
    at: number | null;
  };
  return row.at === null ? undefined : new Date(row.at);
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/** Why an applied row and the file at its position disagree, in the words an operator needs. */
function mismatch(
  row: AppliedRow,
  file: MigrationFile | undefined,
  files: MigrationFile[],
  dir: string,
): string {
  if (file === undefined)
    return `the database has ${row.name}, which is not in ${dir} (is this database newer than the code?)`;
  if (file.name === row.name && file.version !== row.version)
    return `the database records ${row.name} as version ${row.version}; the file is version ${file.version}`;
  if (file.version < row.version && files.some((f) => f.name === row.name))
    return `${file.name} is not recorded as applied, but ${row.name} after it is (a schema_migrations row is missing)`;
  if (file.version !== row.version || file.name !== row.name)
    return `the database applied ${row.name} where the files have ${file.name}`;
  return `${row.name} was edited after it was applied (checksums differ)`;
}

/**
 * Tables but no schema_migrations: the ledger was dropped, or the file is another application's
 * database. Running 0001 over it would fail halfway through with "table already exists".
 */
function refuseUnrecordedSchema(db: Db): void {
  const ledger = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (ledger !== undefined) return;
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 3",
    )
    .all() as { name: string }[];
  if (tables.length === 0) return;
  throw new CodedError(
    "migrations_out_of_sync",
    `the database has tables (${tables.map((t) => t.name).join(", ")}…) but no schema_migrations, so what was applied is unknown`,
    { hint: `Point DATABASE_URL at Tollgate's database, or at a new file. ${HAND_EDITED}` },
  );
}
