/** A real SQLite database with the real migrations, in a fresh temporary folder per call. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "../../src/adapters/sqlite/migrate.js";
import { type Db, openDatabase } from "../../src/adapters/sqlite/open-database.js";

export interface TestDb {
  db: Db;
  path: string;
  dir: string;
  cleanup(): void;
}

/** `migrate: false` gives an empty database file, for tests of the migrations themselves. */
export function createTestDb(options: { migrate?: boolean } = {}): TestDb {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-test-"));
  const path = join(dir, "tollgate.db");
  const db = openDatabase(path);
  if (options.migrate !== false) migrate(db);
  return {
    db,
    path,
    dir,
    cleanup() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
