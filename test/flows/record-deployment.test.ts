/** A deployment report is an audit ledger entry too (SPEC §7), in the same transaction as the row. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAuditStore } from "../../src/adapters/sqlite/audit-store.js";
import { openDatabase } from "../../src/adapters/sqlite/open-database.js";
import { runAudit } from "../../src/cli/audit.js";
import type { CliIo } from "../../src/cli/io.js";
import { postSigned } from "../helpers/api-client.js";
import { countRows, digestOf, startTestApp, TEST_SECRET, type TestApp } from "../helpers/test-app.js";

function ledger(dbPath: string): Record<string, unknown>[] {
  const db = openDatabase(dbPath);
  try {
    const lines: string[] = [];
    createAuditStore(db).export({ format: "jsonl" }, (line) => lines.push(line));
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  } finally {
    db.close();
  }
}

async function verify(dbPath: string): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const io: CliIo = {
    env: { DATABASE_URL: dbPath },
    stdout: (t) => out.push(t),
    stderr: (t) => out.push(t),
    cwd: ".",
  };
  return { code: await runAudit(["verify"], io), out: out.join("") };
}

describe("deployment reports in the audit ledger", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.stop());

  const deployment = (digest: string, name = "checkout-api") => ({
    environment: "staging",
    artifact: { name, digest },
    status: "succeeded",
    deployed_at: "2026-01-02T03:04:05Z",
  });
  const post = (body: unknown, delivery?: string) =>
    postSigned(t.baseUrl, "/api/v1/deployments", body, {
      secret: TEST_SECRET,
      ...(delivery === undefined ? {} : { delivery }),
    });

  it("appends one chained entry per stored deployment, and a repeated delivery adds none", async () => {
    const digest = digestOf("deployed");
    const first = await post(deployment(digest), "dep-1");
    expect(first.status).toBe(202);
    const id = (first.body as { id: string }).id;
    expect((await post(deployment(digest), "dep-1")).status).toBe(200);

    const entries = ledger(t.dbPath);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      seq: 1,
      actor: "api",
      action: "deployment",
      subject: "staging",
      data: { id, digest, status: "succeeded", deployed_at: "2026-01-02T03:04:05.000Z", delivery: "dep-1" },
    });
    expect(await verify(t.dbPath)).toMatchObject({ code: 0 });

    expect((await post({ ...deployment(digest), status: "failed" })).status).toBe(202);
    expect(ledger(t.dbPath).map((e) => e.seq)).toEqual([1, 2]);
    expect(await verify(t.dbPath)).toMatchObject({ code: 0 });
  });

  it("writes no entry for a refused deployment (the row and the entry commit together)", async () => {
    const digest = digestOf("conflicting");
    expect((await post(deployment(digest, "one-name"))).status).toBe(202);
    const refused = await post(deployment(digest, "other-name"), "dep-conflict");
    expect(refused.status).toBe(409);
    expect(countRows(t.dbPath, "deployments")).toBe(1);
    expect(ledger(t.dbPath)).toHaveLength(1);
    expect(await verify(t.dbPath)).toMatchObject({ code: 0 });
  });
});
