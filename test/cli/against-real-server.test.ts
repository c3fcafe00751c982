/**
 * `report` and `snapshot` against the real Tollgate (createApp: real routes, real SQLite, the
 * product's signature check and schemas) on 127.0.0.1:0.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { runReport } from "../../src/cli/report.js";
import { runSnapshot } from "../../src/cli/snapshot.js";
import { loadConfig } from "../../src/config.js";
import { type CapturedIo, captureIo } from "../helpers/loopback-tollgate.js";
import { SHARED_FIXTURES } from "../helpers/shared-fixtures.js";

const SECRET = "real-server-secret-0123456789";
const HEX = "ab12".repeat(16);
const JUNIT = `${SHARED_FIXTURES}/junit-xml`;
const FIXTURES = `${SHARED_FIXTURES}`;

let app: App;
let dir: string;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tollgate-cli-real-"));
  const config = loadConfig({
    TOLLGATE_WEBHOOK_SECRETS: SECRET,
    DATABASE_URL: join(dir, "tollgate.db"),
    CONTRACTS_DIR: join(process.cwd(), "contracts"),
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "error",
  });
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  app = await createApp(config, { logDestination: sink, drainMs: 1000 });
  const address = await app.listen();
  url = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function io(): CapturedIo {
  return captureIo({ TOLLGATE_URL: url, TOLLGATE_SECRET: SECRET }, dir);
}

const count = (sql: string): number => (app.context.db.prepare(sql).get() as { n: number }).n;

describe("tollgate report → real server", () => {
  it("stores JUnit evidence (exit 0), and a repeated delivery once (duplicate, exit 0)", async () => {
    const args = ["--artifact", `checkout-api@sha256:${HEX}`, "--commit", "9fceb02", "--name", "e2e"];
    const run = [
      ...args,
      "--junit",
      join(JUNIT, "go-junit-report.pass-fail-skip.xml"),
      "--delivery",
      "run-1-e2e",
    ];
    const first = io();
    expect(await runReport(run, first)).toBe(0);
    expect(first.out()).toContain('accepted test evidence "e2e" (failed, 5 total)');
    const again = io();
    expect(await runReport(run, again)).toBe(0);
    expect(again.out()).toContain("duplicate delivery");
    const row = app.context.db
      .prepare("SELECT status, summary FROM evidence WHERE digest = ?")
      .all(`sha256:${HEX}`) as Array<{ status: string; summary: string }>;
    expect(row).toHaveLength(1);
    expect(row[0]?.status).toBe("failed");
    expect(JSON.parse(row[0]?.summary ?? "{}")).toEqual({ total: 5, passed: 2, failed: 1, skipped: 2 });
  });

  it("stores commit-scoped evidence", async () => {
    const before = count("SELECT count(*) AS n FROM evidence WHERE digest IS NULL");
    const args = [
      "--commit",
      "1234567abc",
      "--kind",
      "review",
      "--name",
      "code-review",
      "--status",
      "passed",
    ];
    expect(await runReport(args, io())).toBe(0);
    expect(count("SELECT count(*) AS n FROM evidence WHERE digest IS NULL")).toBe(before + 1);
  });

  it("exits 1 with the server's issues for what only the server checks, and on artifact_conflict", async () => {
    const bad = io();
    const args = ["--artifact", `checkout-api@sha256:${HEX}`, "--name", "e2e", "--status", "passed"];
    expect(await runReport([...args, "--environment", "Staging Two"], bad)).toBe(1);
    expect(bad.err()).toMatch(
      /rejected \(400 invalid_payload\)\n {2}environment: must be an environment name/,
    );
    const conflict = io();
    const renamed = ["--artifact", `checkout-web@sha256:${HEX}`, "--name", "e2e", "--status", "passed"];
    expect(await runReport(renamed, conflict)).toBe(1);
    expect(conflict.err()).toContain("rejected (409 artifact_conflict)");
  });
});

describe("tollgate snapshot → real server", () => {
  it("stores an imported snapshot merged from flags and cluster state", async () => {
    const args = [
      "--from",
      "flagd",
      join(FIXTURES, "feature-flags/flagd.example_flags.flagd.json"),
      "--add",
      `k8s=${join(FIXTURES, "env-state/k8s.deployment.degraded.json")}`,
      "--environment",
      "staging",
    ];
    expect(await runSnapshot(args, io())).toBe(0);
    const row = app.context.db
      .prepare("SELECT source, config FROM snapshots WHERE environment = 'staging' ORDER BY seq DESC LIMIT 1")
      .get() as { source: string; config: string };
    expect(row.source).toBe("flagd+k8s");
    const config = JSON.parse(row.config) as Record<string, Record<string, unknown>>;
    expect(config.feature_flags?.headerColor).toBe("#FF0000");
    expect(config.health).toEqual({ "deployment/guestbook-ui": "Degraded" });
  });

  it("exits 1 when the server refuses the environment name", async () => {
    const cli = io();
    const file = join(FIXTURES, "env-state/k8s.pod.running-with-imageID.json");
    expect(await runSnapshot(["--from", "k8s", file, "--environment", "PROD!"], cli)).toBe(1);
    expect(cli.err()).toContain("rejected (400 invalid_payload)");
  });
});
