/** The sandbox's generated secrets survive a restart, and a damaged file is replaced, not trusted. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSandboxSecrets, sandboxFile } from "../../src/sandbox/sandbox-secrets.js";

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-sandbox-secrets-"));
  dirs.push(dir);
  return sandboxFile(join(dir, "data", "tollgate.db"));
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("sandbox secrets", () => {
  it("generates them once, saves them beside the database (0600), and loads the same ones again", () => {
    const file = tempFile();
    const first = loadSandboxSecrets(file);
    expect(first.created).toBe(true);
    expect(first.secrets.botToken).toMatch(/^xoxb-/);
    expect(first.secrets.webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadSandboxSecrets(file);
    expect(second).toEqual({ secrets: first.secrets, created: false });
  });

  it("replaces a damaged file and fills in missing or too-short values", () => {
    const file = tempFile();
    loadSandboxSecrets(file);
    writeFileSync(file, "{not json");
    const repaired = loadSandboxSecrets(file);
    expect(repaired.created).toBe(true);
    writeFileSync(file, JSON.stringify({ ...repaired.secrets, deploySecret: "short" }));
    const filled = loadSandboxSecrets(file);
    expect(filled.secrets.webhookSecret).toBe(repaired.secrets.webhookSecret);
    expect(filled.secrets.deploySecret).not.toBe("short");
    expect(JSON.parse(readFileSync(file, "utf8")).deploySecret).toBe(filled.secrets.deploySecret);
  });
});
