/**
 * `tollgate audit verify|export` on real files: exit 1 means "the chain is broken" and nothing
 * else; a path that holds no ledger is a configuration problem (78) said in one line.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createAuditStore } from "../../src/adapters/sqlite/audit-store.js";
import { runCli } from "../../src/cli/main.js";
import { createTestDb, type TestDb } from "../helpers/test-db.js";

const EX_CONFIG = 78;

const dirs: string[] = [];
let ledger: TestDb | undefined;
afterEach(() => {
  ledger?.cleanup();
  ledger = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-audit-cli-"));
  dirs.push(dir);
  return dir;
}

async function audit(argv: string[], databaseUrl: string) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(
    ["audit", ...argv],
    { DATABASE_URL: databaseUrl },
    {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    },
  );
  return { code, stdout, stderr };
}

/** A migrated database with `count` chained entries; the connection is closed so the CLI owns it. */
function seededLedger(count: number): TestDb {
  ledger = createTestDb();
  const store = createAuditStore(ledger.db);
  for (let n = 1; n <= count; n++)
    store.append(
      { actor: "U0ALICE", action: "promotion.approved", subject: `prom-${n}`, data: { n } },
      new Date(Date.UTC(2026, 10, 27, 10, n)),
    );
  ledger.db.close();
  return ledger;
}

function hashOf(path: string, seq: number): string {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT hash FROM audit_log WHERE seq = ?").get(seq) as { hash: string }).hash;
  } finally {
    db.close();
  }
}

describe("audit on a file that holds no ledger: one line, exit 78", () => {
  it.each([["verify"], ["export"]])("%s refuses a file that is not SQLite, without a stack", async (sub) => {
    const path = join(tempDir(), "g.db");
    writeFileSync(path, "not a db\n");
    const result = await audit([sub], path);
    expect(result.code).toBe(EX_CONFIG);
    expect(result.stderr).toBe(
      `tollgate audit: ${path} is not a Tollgate database (not a SQLite file: file is not a database); check DATABASE_URL\n`,
    );
    expect(result.stdout).toBe("");
    expect(readFileSync(path, "utf8")).toBe("not a db\n");
  });

  it.each([["verify"], ["export"]])(
    "%s refuses another application's SQLite database, untouched",
    async (sub) => {
      const path = join(tempDir(), "other.db");
      const other = new Database(path);
      other.exec("CREATE TABLE x(a)");
      other.close();
      const before = readFileSync(path);
      const result = await audit([sub], path);
      expect(result.code).toBe(EX_CONFIG);
      expect(result.stderr).toBe(
        `tollgate audit: ${path} is not a Tollgate database (its tables are x, no audit_log); check DATABASE_URL\n`,
      );
      // The probe is read-only: not switched to WAL, no -wal file, not a byte changed.
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(existsSync(`${path}-wal`)).toBe(false);
    },
  );

  it("uses 78 for a missing file and a malformed DATABASE_URL as well: 1 is kept for a broken chain", async () => {
    const missing = join(tempDir(), "nowhere.db");
    expect(await audit(["verify"], missing)).toMatchObject({
      code: EX_CONFIG,
      stderr: `tollgate audit: no database at ${missing} (set DATABASE_URL to Tollgate's database)\n`,
    });
    expect(existsSync(missing)).toBe(false);
    const query = await audit(["verify"], `sqlite:${missing}?mode=ro`);
    expect(query.code).toBe(EX_CONFIG);
    expect(query.stderr).toMatch(/^tollgate audit: DATABASE_URL: .*query strings/);
    const empty = join(tempDir(), "empty.db");
    writeFileSync(empty, "");
    expect(await audit(["export"], empty)).toMatchObject({
      code: EX_CONFIG,
      stderr: expect.stringContaining("is not a Tollgate database (it has no tables, no audit_log)"),
    });
  });
});

describe("audit verify: the head, and --expect-head", () => {
  it("says what was proven and prints the head to record", async () => {
    const { path } = seededLedger(5);
    const head = hashOf(path, 5);
    const result = await audit(["verify"], path);
    expect(result.code).toBe(0);
    const [first, second] = result.stdout.split("\n");
    expect(first).toBe(`audit ledger intact: 5 entries, head #5 sha256:${head}`);
    expect(second).toContain("entries removed from the end leave no trace");
    expect(second).toContain(`--expect-head 5:sha256:${head}`);
  });

  it("passes a chain cut short at the end by itself, but fails it against the head recorded before", async () => {
    const { path } = seededLedger(5);
    const head = hashOf(path, 5);
    const recorded = `5:sha256:${head}`;
    const db = new Database(path);
    db.exec("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 3;");
    db.close();
    // The chain alone cannot tell: what is left still links up.
    expect((await audit(["verify"], path)).stdout).toMatch(/^audit ledger intact: 3 entries, head #3 /);
    const anchored = await audit(["verify", "--expect-head", recorded], path);
    expect(anchored.code).toBe(1);
    expect(anchored.stdout).toBe(
      `audit ledger BROKEN: entry #5 (sha256:${head}…) is gone: the ledger ends at #3 (entries removed from the end?)\n`,
    );
  });

  it("accepts a hash prefix of 12+ hex characters, with or without sha256:, and later entries", async () => {
    const { path } = seededLedger(6);
    const hash = hashOf(path, 4);
    const forms = [
      ["--expect-head", `4:sha256:${hash}`],
      ["--expect-head", `4:${hash.slice(0, 12)}`],
      [`--expect-head=4:SHA256:${hash.slice(0, 20).toUpperCase()}`],
    ];
    for (const flags of forms) {
      const result = await audit(["verify", ...flags], path);
      expect(result.code, flags.join(" ")).toBe(0);
      expect(result.stdout).toMatch(/^audit ledger intact: 6 entries, head #6 /);
      expect(result.stdout).toContain("entry #4 still has the expected hash");
    }
  });

  it("fails when the entry exists with another hash (the ledger was rewritten and re-chained)", async () => {
    const { path } = seededLedger(3);
    const result = await audit(["verify", "--expect-head", `2:${"0".repeat(12)}`], path);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `audit ledger BROKEN: entry #2 (sha256:000000000000…) now has hash sha256:${hashOf(path, 2)} (the ledger was rewritten up to that entry)\n`,
    );
  });

  it.each([
    ["41", /--expect-head is <seq>:<hash>/],
    ["41:abc123", /at least 12 hex characters/],
    ["0:sha256:0123456789ab", /--expect-head is <seq>:<hash>/],
    ["x:0123456789ab", /--expect-head is <seq>:<hash>/],
  ])("refuses --expect-head %s as a usage error (64), before opening anything", async (value, message) => {
    const missing = join(tempDir(), "nowhere.db");
    const result = await audit(["verify", "--expect-head", value], missing);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(message);
  });

  it("suggests the closest subcommand and option", async () => {
    const path = join(tempDir(), "t.db");
    expect((await audit(["verfy"], path)).stderr).toContain(
      'unknown subcommand "verfy" (did you mean "verify"?)',
    );
    expect((await audit(["verify", "--expect-haed", "1:0123456789ab"], path)).stderr).toContain(
      'unexpected argument "--expect-haed" (did you mean "--expect-head"?)',
    );
  });
});
