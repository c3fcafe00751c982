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

export function migrate(db: Db, dir: string = defaultMigrationsDir()): MigrationResult {
  const files = readMigrations(dir);
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
      const why =
        file === undefined
          ? `the database has ${row.name}, which is not in ${dir} (is this database newer than the code?)`
          : file.version !== row.version || file.name !== row.name
            ? `the database applied ${row.name} where the files have ${file.name}`
            : `${row.name} was edited after it was applied (checksums differ)`;
      throw new CodedError("migrations_out_of_sync", `migrations_out_of_sync: ${why}`, {
        hint: "Migrations are forward-only: restore the original file, or add a new numbered migration.",
      });
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
      throw new CodedError("migration_failed", `${file.name}: ${(error as Error).message}`, { cause: error });
    }
    applied.push(file.name);
  }
  return { applied, current: files.at(-1)?.version ?? 0 };
}
