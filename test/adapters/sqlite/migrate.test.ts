import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultMigrationsDir, migrate } from "../../../src/adapters/sqlite/migrate.js";
import { openDatabase } from "../../../src/adapters/sqlite/open-database.js";
import { isCodedError } from "../../../src/errors.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";

/** Folders made by a test, removed after it. */
const made: string[] = [];

function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-migrations-"));
  made.push(dir);
  return dir;
}

function copyOfMigrations(): string {
  const dir = emptyDir();
  for (const file of readdirSync(defaultMigrationsDir()))
    copyFileSync(join(defaultMigrationsDir(), file), join(dir, file));
  return dir;
}

describe("migrate", () => {
  let test: TestDb;
  afterEach(() => {
    test.cleanup();
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("opens in WAL mode with foreign keys and a busy timeout", () => {
    test = createTestDb();
    expect(test.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(test.db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(test.db.pragma("busy_timeout", { simple: true })).toBe(5000);
    expect(test.db.pragma("synchronous", { simple: true })).toBe(2);
  });

  it("is a no-op when run again", () => {
    test = createTestDb();
    expect(migrate(test.db).applied).toEqual([]);
  });

  it("applies a new migration once, in order", () => {
    test = createTestDb();
    const dir = copyOfMigrations();
    writeFileSync(join(dir, "9999_extra.sql"), "-- why: test\nCREATE TABLE extra (x INTEGER);");
    expect(migrate(test.db, dir).applied).toEqual(["9999_extra.sql"]);
    expect(migrate(test.db, dir).applied).toEqual([]);
  });

  it("refuses a database that has a migration the files do not", () => {
    test = createTestDb();
    const dir = copyOfMigrations();
    writeFileSync(join(dir, "9999_extra.sql"), "CREATE TABLE extra (x INTEGER);");
    migrate(test.db, dir);
    expect(() => migrate(test.db)).toThrowError(
      expect.objectContaining({
        code: "migrations_out_of_sync",
        message: expect.stringContaining("9999_extra.sql"),
      }),
    );
  });

  it("refuses a migration inserted before one already applied", () => {
    test = createTestDb();
    const dir = copyOfMigrations();
    writeFileSync(join(dir, "9999_late.sql"), "CREATE TABLE late (x INTEGER);");
    migrate(test.db, dir);
    writeFileSync(join(dir, "9000_early.sql"), "CREATE TABLE early (x INTEGER);");
    try {
      migrate(test.db, dir);
      expect.unreachable();
    } catch (error) {
      expect(isCodedError(error, "migrations_out_of_sync")).toBe(true);
    }
  });

  it("refuses an applied migration whose file was edited", () => {
    test = createTestDb();
    const dir = copyOfMigrations();
    const first = readdirSync(dir)[0]!;
    writeFileSync(join(dir, first), "-- edited\n");
    expect(() => migrate(test.db, dir)).toThrowError(/edited after it was applied/);
  });

  it.each([
    {
      edit: "a row's version changed by hand",
      sql: "UPDATE schema_migrations SET version = 10 WHERE version = 9",
      says: "the database records 0009_delivery_fingerprints.sql as version 10; the file is version 9",
    },
    {
      edit: "a row deleted from the middle",
      sql: "DELETE FROM schema_migrations WHERE version = 4",
      says: "0004_drift.sql is not recorded as applied, but 0005_evidence_latest.sql after it is",
    },
    {
      edit: "the ledger dropped",
      sql: "DROP TABLE schema_migrations",
      says: "but no schema_migrations, so what was applied is unknown",
    },
  ])("refuses a ledger with $edit, saying what is wrong, and changes nothing", ({ sql, says }) => {
    test = createTestDb();
    test.db.exec(sql);
    const tables = () => test.db.prepare("SELECT name FROM sqlite_schema ORDER BY name").all();
    const before = tables();
    expect(() => migrate(test.db)).toThrowError(
      expect.objectContaining({ code: "migrations_out_of_sync", message: expect.stringContaining(says) }),
    );
    expect(tables()).toEqual(before);
  });

  it("refuses another application's database instead of failing halfway through 0001", () => {
    test = createTestDb({ migrate: false });
    test.db.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY)");
    expect(() => migrate(test.db)).toThrowError(
      expect.objectContaining({
        code: "migrations_out_of_sync",
        message: expect.stringContaining("(orders…)"),
      }),
    );
  });

  it("rolls back a failing migration whole and records nothing", () => {
    const dir = emptyDir();
    writeFileSync(join(dir, "0001_bad.sql"), "CREATE TABLE ok (x INTEGER); CREATE TABLE broken (;");
    const db = openDatabase(join(dir, "db.sqlite"));
    test = { db, path: "", dir, cleanup: () => db.close() };
    expect(() => migrate(db, dir)).toThrowError(/0001_bad.sql/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok'").get()).toBeUndefined();
    expect(db.prepare("SELECT count(*) AS n FROM schema_migrations").get()).toEqual({ n: 0 });
  });

  it("makes the audit ledger append-only", () => {
    test = createTestDb();
    test.db
      .prepare(
        "INSERT INTO audit_log (at, actor, action, subject, prev_hash, hash) VALUES (1, 'U1', 'lock', 'prod', '', 'h')",
      )
      .run();
    expect(() => test.db.prepare("UPDATE audit_log SET actor = 'U2'").run()).toThrowError(/append-only/);
    expect(() => test.db.prepare("DELETE FROM audit_log").run()).toThrowError(/append-only/);
  });
});
