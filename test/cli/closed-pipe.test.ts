/**
 * A reader that stops early (`| head -1`) closes the pipe under a command. The command ends
 * quietly — no EPIPE stack trace — and with its own exit status, so a pipeline under `pipefail`
 * still sees a failing check fail.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createAuditStore } from "../../src/adapters/sqlite/audit-store.js";
import { createTempContracts, type TempContracts } from "../helpers/temp-contracts.js";
import { REPO_ROOT } from "../helpers/test-app.js";
import { createTestDb, type TestDb } from "../helpers/test-db.js";

/** Runs the CLI, reads its first line of output, then hangs up, as `head -1` does. */
async function firstLineThenHangUp(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [join(REPO_ROOT, "bin", "tollgate.js"), ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const first = await new Promise<string>((resolve) =>
    child.stdout.once("data", (chunk: Buffer) => {
      child.stdout.destroy();
      resolve(chunk.toString().split("\n")[0] as string);
    }),
  );
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { first, stderr, code };
}

describe("a reader that hangs up early", () => {
  let db: TestDb | undefined;
  let contracts: TempContracts | undefined;
  afterEach(() => {
    db?.cleanup();
    contracts?.cleanup();
    db = contracts = undefined;
  });

  it("ends audit export quietly with status 0", async () => {
    db = createTestDb();
    const audit = createAuditStore(db.db);
    for (let i = 1; i <= 3000; i++)
      audit.append(
        { actor: "U0ALICE", action: "approval.granted", subject: `prom-${i}`, data: { n: i } },
        new Date(),
      );
    const run = await firstLineThenHangUp(["audit", "export"], { DATABASE_URL: db.path });
    expect(JSON.parse(run.first)).toMatchObject({ seq: 1, action: "approval.granted" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("keeps a failing command's status: contracts check with problems still exits 1", async () => {
    contracts = createTempContracts({});
    const unknownKeys = Array.from({ length: 3000 }, (_, i) => `key${i}: 1`).join("\n");
    writeFileSync(join(contracts.dir, "dev.yml"), `channel: C0DEV\n${unknownKeys}\n`);
    const run = await firstLineThenHangUp(["contracts", "check", contracts.dir], {});
    expect(run.first).toContain('unknown key "key0"');
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
  });
});
