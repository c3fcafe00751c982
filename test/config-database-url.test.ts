/**
 * DATABASE_URL (SPEC §1: "SQLite file path or `sqlite:` URL", default ./data/tollgate.db): the
 * forms understood, the ones refused, and `start`, `migrate` and `audit` agreeing on the file.
 * A form taken the wrong way used to create a fresh, empty database somewhere else.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { loadConfig } from "../src/config.js";
import { parseDatabaseUrl } from "../src/database-url.js";
import { problemsOf } from "./helpers/config-problems.js";
import { REPO_ROOT } from "./helpers/test-app.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-dburl-"));
  dirs.push(dir);
  return dir;
}

/** The built executable in `cwd`, so relative paths land in a folder of the test's own. */
function tollgate(argv: string[], cwd: string, databaseUrl: string) {
  expect(existsSync(join(REPO_ROOT, "dist", "src", "cli", "main.js")), "run `npm run build` first").toBe(
    true,
  );
  const result = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "tollgate.js"), ...argv], {
    cwd,
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: databaseUrl },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("DATABASE_URL forms", () => {
  it.each([
    [undefined, "./data/tollgate.db"],
    ["  ", "./data/tollgate.db"],
    ["./data/t.db", "./data/t.db"],
    ["/var/lib/tollgate/t.db", "/var/lib/tollgate/t.db"],
    ["C:\\data\\t.db", "C:\\data\\t.db"],
    ["sqlite:t.db", "t.db"],
    ["sqlite:./var/t.db", "./var/t.db"],
    ["sqlite:/var/lib/t.db", "/var/lib/t.db"],
    ["sqlite:///var/lib/t.db", "/var/lib/t.db"],
    ["SQLite:///var/lib/t.db", "/var/lib/t.db"],
    ["sqlite:////var/lib/t.db", "/var/lib/t.db"],
    ["sqlite://localhost/var/lib/t.db", "/var/lib/t.db"],
    ["file:/abs/u5.db", "/abs/u5.db"],
    ["file:///abs/u5.db", "/abs/u5.db"],
    ["file://localhost/abs/u5.db", "/abs/u5.db"],
    ["file:rel/u5.db", "rel/u5.db"],
    ["file:./u5.db", "./u5.db"],
    ["file:///data/my%20tollgate.db", "/data/my tollgate.db"],
    ["file:///C:/data/t.db", "C:/data/t.db"],
  ])("reads %s as the file %s", (url, path) => {
    expect(parseDatabaseUrl(url)).toEqual({ path });
    expect(loadConfig(url === undefined ? {} : { DATABASE_URL: url }).databasePath).toBe(path);
  });

  it.each([
    [
      "sqlite://var/lib/t.db",
      'names a host ("var"), not a file; write sqlite:///var/lib/t.db for /var/lib/t.db',
    ],
    ["file://server/share/t.db", 'names a host ("server")'],
    ["sqlite:/x/u7.db?mode=ro", "query strings and fragments (e.g. ?mode=ro) are not supported"],
    ["file:u7.db#main", "query strings and fragments"],
    ["./u7.db?mode=ro", "has a query string; it is a file path"],
    ["sqlite:", "names no file"],
    ["sqlite://", "names no file"],
    ["file:///", "names no file"],
    ["file:///data/%zz.db", "malformed %-escape"],
    ["sqlite3:./t.db", "sqlite3: is not supported; use a SQLite file path, a sqlite: URL or a file: URL"],
    ["mysql://db/tollgate", "mysql: is not supported"],
    ["postgres://db/tollgate", "postgres:// is reserved for the clustered store"],
  ])("refuses %s with one configuration problem saying what to write", (url, message) => {
    const problems = problemsOf({ DATABASE_URL: url });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DATABASE_URL: /);
    expect(problems[0]).toContain(message);
  });
});

describe("start, migrate and audit read DATABASE_URL the same way", () => {
  it.each([
    ["sqlite:rel.db", "rel.db"],
    ["file:./rel.db", "./rel.db"],
    ["file:sub/rel.db", "sub/rel.db"],
    ["sqlite:///ABS/a.db", "/ABS/a.db"],
    ["file:/ABS/b.db", "/ABS/b.db"],
    ["file:///ABS/c.db", "/ABS/c.db"],
  ])("%s: migrate creates %s, audit verify finds it, start's config names it", (form, file) => {
    const dir = tempDir();
    const url = form.replace("/ABS", dir);
    const path = file.replace("/ABS", dir);
    const migrated = tollgate(["migrate"], dir, url);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(existsSync(resolve(dir, path))).toBe(true);
    const verified = tollgate(["audit", "verify"], dir, url);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^audit ledger intact: 0 entries/);
    expect(loadConfig({ DATABASE_URL: url }).databasePath).toBe(path);
    // Nothing else appears next to it: no folder named "file:" or "sqlite:".
    expect(readdirSync(dir).filter((name) => name.includes(":"))).toEqual([]);
  });

  it.each(["sqlite://var/lib/t.db", "sqlite:/ABS/u7.db?mode=ro", "file:/ABS/u5.db#x", "file://server/t.db"])(
    "%s: refused by all three, and no database is created",
    async (form) => {
      const dir = tempDir();
      const url = form.replace("/ABS", dir);
      const migrated = tollgate(["migrate"], dir, url);
      expect(migrated.code).toBe(1);
      expect(migrated.stderr).toMatch(/^tollgate migrate: config_invalid: DATABASE_URL: /);
      const verified = tollgate(["audit", "verify"], dir, url);
      expect(verified.code).toBe(78);
      expect(verified.stderr).toMatch(/^tollgate audit: DATABASE_URL: /);
      let stderr = "";
      const started = await runCli(
        ["start"],
        // NOTE: PORT is bad too, so a start that missed the DATABASE_URL problem exits instead of serving.
        { DATABASE_URL: url, HOST: "127.0.0.1", PORT: "99999" },
        { stdout: () => {}, stderr: (t) => (stderr += t), cwd: dir },
      );
      expect(started).toBe(78);
      expect(stderr).toMatch(/ {2}- DATABASE_URL: /);
      expect(readdirSync(dir)).toEqual([]);
    },
  );
});
