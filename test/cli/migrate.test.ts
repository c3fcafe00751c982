import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runMigrate } from "../../src/cli/migrate.js";

describe("tollgate migrate", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function migrateAt(env: Record<string, string>) {
    let stdout = "";
    let stderr = "";
    const code = await runMigrate([], {
      env,
      cwd: process.cwd(),
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    });
    return { code, stdout, stderr };
  }

  it("applies pending migrations, prints them, and is a no-op the second time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-migrate-"));
    dirs.push(dir);
    const env = { DATABASE_URL: `sqlite:${join(dir, "t.db")}` };
    const first = await migrateAt(env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("applied 0001_init.sql");
    const second = await migrateAt(env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("nothing to apply");
  });

  it("makes missing folders, and exits 1 with the reason where a folder cannot be made", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-migrate-"));
    dirs.push(dir);
    expect((await migrateAt({ DATABASE_URL: join(dir, "a", "b", "t.db") })).code).toBe(0);
    writeFileSync(join(dir, "file"), "");
    const underFile = await migrateAt({ DATABASE_URL: join(dir, "file", "x", "t.db") });
    expect(underFile).toMatchObject({ code: 1, stderr: expect.stringContaining("ENOTDIR") });
    // Node 20's recursive mkdir never returns for a path under /proc; this one must.
    const underProc = await migrateAt({ DATABASE_URL: "/proc/tollgate-nowhere/t.db" });
    expect(underProc).toMatchObject({ code: 1, stderr: expect.stringContaining("ENOENT") });
  });

  it("exits 1 with the error code when the database cannot be migrated", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-migrate-"));
    dirs.push(dir);
    const result = await migrateAt({ DATABASE_URL: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tollgate migrate: /);
  });

  it("refuses a file that is not SQLite in one line naming it, exit 1, and leaves it as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-migrate-"));
    dirs.push(dir);
    const path = join(dir, "g.db");
    writeFileSync(path, "not a db\n");
    const result = await migrateAt({ DATABASE_URL: path });
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `tollgate migrate: ${path} is not a SQLite database (file is not a database); check DATABASE_URL\n`,
    });
    expect(readFileSync(path, "utf8")).toBe("not a db\n");
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
