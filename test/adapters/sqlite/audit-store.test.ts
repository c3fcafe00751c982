import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createAuditStore } from "../../../src/adapters/sqlite/audit-store.js";
import { openDatabase } from "../../../src/adapters/sqlite/open-database.js";
import { runAudit } from "../../../src/cli/audit.js";
import type { CliIo } from "../../../src/cli/io.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";

function io(databaseUrl: string) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    env: { DATABASE_URL: databaseUrl },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd: ".",
  };
  return { value, out, err };
}

function seed(test: TestDb, count: number): void {
  const audit = createAuditStore(test.db);
  for (let i = 1; i <= count; i++) {
    audit.append(
      {
        actor: i % 2 ? "U0ALICE" : "W0ENTBOB",
        action: "approval.granted",
        subject: `prom-${i}`,
        data: { n: i, note: 'a,b "c"' },
      },
      new Date(Date.UTC(2026, 10, 27, 10, i)),
    );
  }
}

describe("audit store and `tollgate audit`", () => {
  let test: TestDb;
  afterEach(() => test.cleanup());

  it("chains entries and verifies an intact ledger (exit 0)", async () => {
    test = createTestDb();
    seed(test, 5);
    const verdict = createAuditStore(test.db).verify();
    expect(verdict).toMatchObject({ ok: true, count: 5 });
    const cli = io(test.path);
    expect(await runAudit(["verify"], cli.value)).toBe(0);
    expect(cli.out.join("")).toContain("5 entries");
  });

  it("has the database refuse UPDATE and DELETE on the ledger", () => {
    test = createTestDb();
    seed(test, 2);
    expect(() => test.db.prepare("UPDATE audit_log SET actor = 'U0MALLORY' WHERE seq = 1").run()).toThrow(
      /append-only/,
    );
    expect(() => test.db.prepare("DELETE FROM audit_log WHERE seq = 2").run()).toThrow(/append-only/);
  });

  it("finds an edit made behind the triggers' back (exit 1, first broken entry)", async () => {
    test = createTestDb();
    seed(test, 4);
    test.db.close();
    const raw = openDatabase(test.path);
    raw.exec("DROP TRIGGER audit_log_no_update");
    raw.prepare("UPDATE audit_log SET data = json_set(data, '$.n', 99) WHERE seq = 3").run();
    raw.close();
    const cli = io(test.path);
    expect(await runAudit(["verify"], cli.value)).toBe(1);
    const text = cli.out.join("");
    expect(text).toContain("BROKEN at entry 3");
    expect(text).toContain('"n":99');
  });

  it("finds a raw edit of the database file's bytes", async () => {
    test = createTestDb();
    seed(test, 4);
    test.db.pragma("wal_checkpoint(TRUNCATE)");
    test.db.close();
    const bytes = readFileSync(test.path);
    const at = bytes.indexOf(Buffer.from("prom-3"));
    expect(at).toBeGreaterThan(0);
    bytes.write("prom-X", at);
    writeFileSync(test.path, bytes);
    const cli = io(test.path);
    expect(await runAudit(["verify"], cli.value)).toBe(1);
    expect(cli.out.join("")).toContain("BROKEN at entry 3");
  });

  it("finds a deleted entry behind the triggers' back", async () => {
    test = createTestDb();
    seed(test, 4);
    test.db.exec("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2;");
    const cli = io(test.path);
    expect(await runAudit(["verify"], cli.value)).toBe(1);
    expect(cli.out.join("")).toContain("BROKEN at entry 3");
  });

  it("exports jsonl and csv, optionally since a time", async () => {
    test = createTestDb();
    seed(test, 3);
    const jsonl = io(test.path);
    expect(await runAudit(["export"], jsonl.value)).toBe(0);
    const lines = jsonl.out
      .join("")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(lines[0]).toMatchObject({ actor: "U0ALICE", at: "2026-11-27T10:01:00.000Z", data: { n: 1 } });
    const csv = io(test.path);
    expect(await runAudit(["export", "--since", "2026-11-27T10:02:00Z", "--format=csv"], csv.value)).toBe(0);
    const rows = csv.out.join("").trim().split("\n");
    expect(rows[0]).toBe("seq,at,actor,action,subject,data,prev_hash,hash");
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(/^2,2026-11-27T10:02:00.000Z,W0ENTBOB,approval.granted,prom-2,"\{""n"":2/);
  });

  it("refuses bad options with usage (exit 64)", async () => {
    test = createTestDb();
    const cli = io(test.path);
    expect(await runAudit(["export", "--format", "xml"], cli.value)).toBe(64);
    expect(await runAudit(["export", "--since", "yesterday"], cli.value)).toBe(64);
    expect(await runAudit([], cli.value)).toBe(64);
    expect(cli.err.join("")).toContain("jsonl or csv");
  });
});
