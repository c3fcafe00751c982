/** `tollgate contracts check [DIR]`: exit 0 with a line per environment, 1 with every error, 64 on misuse. */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runContracts } from "../../src/cli/contracts.js";
import type { CliIo } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";
import { createTempContracts, type TempContracts } from "../helpers/temp-contracts.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURES = path.join(ROOT, "test/fixtures/contracts");

function captureIo(cwd: string, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env, cwd, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}

let temp: TempContracts | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

describe("tollgate contracts check", () => {
  it("exits 0 for the example contracts (default ./contracts) with one line per environment", async () => {
    const cli = captureIo(ROOT);
    expect(await runCli(["contracts", "check"], {}, cli.io)).toBe(0);
    const lines = cli.stdout().trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ok {2}dev {6}first stage · evidence unit · sha256:[0-9a-f]{12}$/);
    expect(lines[1]).toMatch(
      /^ok {2}staging {2}after dev · same digest as dev · evidence unit, trivy · drift vs dev/,
    );
    expect(lines[2]).toContain("ok  prod     after staging · same digest as staging, soak 2m, max age 30d");
    expect(lines[2]).toContain(
      'drift vs staging (digest "0 9 * * 1-5") · 2 approval(s) · 2 freeze window(s)',
    );
    expect(lines.at(-1)).toBe("3 contract(s) valid: dev → staging → prod");
    expect(cli.stderr()).toBe("");
  });

  it("exits 1 and lists every error as file:line:col message", async () => {
    const cli = captureIo(FIXTURES);
    expect(await runContracts(["check", "unknown-after"], cli.io)).toBe(1);
    expect(cli.stdout()).toBe(
      [
        'unknown-after/prod.yml:2:8 after: unknown environment "stagign" (did you mean "staging"?); known: dev, prod, staging',
        'unknown-after/prod.yml:4:42 evidence[0].environment: unknown environment "qa"; known: dev, prod, staging',
        "",
        "2 problem(s) in 1 file(s); contracts not valid",
        "",
      ].join("\n"),
    );
  });

  it("says when a contract has no channel, since its readiness cards are then never posted", async () => {
    temp = createTempContracts({ "dev.yml": "description: no channel here\n" });
    const cli = captureIo(temp.root);
    expect(await runContracts(["check", temp.dir], cli.io)).toBe(0);
    expect(cli.stdout()).toMatch(/^ok {2}dev {2}first stage · no channel: no Slack cards · sha256:/);
  });

  it("draws each promotion line apart: independent stages and branches are not one chain", async () => {
    temp = createTempContracts({
      "dev.yml": "channel: C0DEV\n",
      "qa.yml": "channel: C0QA\nafter: dev\n",
      "staging.yml": "channel: C0STG\nafter: dev\n",
      "prod.yml": "channel: C0PRD\nafter: staging\n",
      "sandbox.yml": "channel: C0SBX\n",
    });
    const cli = captureIo(temp.root);
    expect(await runContracts(["check", temp.dir], cli.io)).toBe(0);
    const summary = cli.stdout().trimEnd().split("\n").at(-1) ?? "";
    expect(summary).toMatch(/^5 contract\(s\) valid: /);
    expect(
      summary
        .slice(summary.indexOf(": ") + 2)
        .split("; ")
        .sort(),
    ).toEqual(["dev → qa", "dev → staging → prod", "sandbox"]);
  });

  it("notes a dated freeze bound that a daylight-saving change skips or repeats, and stays valid", async () => {
    temp = createTempContracts({
      "kyiv.yml":
        'channel: C0KYIV\ntimezone: Europe/Kyiv\nfreeze:\n  - {from: "2027-03-28T03:30", to: "2027-03-28T05:00"}\n',
      "ny.yml":
        'channel: C0NY\ntimezone: America/New_York\nfreeze:\n  - {from: "2026-10-31T12:00", to: "2026-11-01T01:30"}\n',
      "plain.yml":
        'channel: C0PLAIN\ntimezone: Europe/Kyiv\nfreeze:\n  - {from: "2027-03-27T03:30", to: 2027-03-29}\n',
    });
    const cli = captureIo(temp.root);
    expect(await runContracts(["check", temp.dir], cli.io)).toBe(0);
    const notes = cli
      .stdout()
      .split("\n")
      .filter((line) => line.includes("note:"));
    expect(notes).toEqual([
      "    note: freeze[0].from 2027-03-28T03:30 does not exist in Europe/Kyiv (the clocks skip it): read as 04:30",
      "    note: freeze[0].to 2026-11-01T01:30 happens twice in America/New_York (the clocks go back): read as the first",
    ]);
  });

  it("takes DIR from CONTRACTS_DIR when no argument is given", async () => {
    temp = createTempContracts({ "dev.yml": "channel: general\n" });
    const cli = captureIo(temp.root, { CONTRACTS_DIR: "contracts" });
    expect(await runContracts(["check"], cli.io)).toBe(1);
    expect(cli.stdout()).toContain(
      'contracts/dev.yml:1:10 channel: expected a Slack channel ID (C… or G…), got "general"',
    );
  });

  it("exits 1 for an empty folder", async () => {
    temp = createTempContracts();
    const cli = captureIo(temp.root);
    expect(await runContracts(["check", "contracts"], cli.io)).toBe(1);
    expect(cli.stdout()).toContain("contracts no contracts");
  });

  it.each([[["lint"]], [[]], [["check", "a", "b"]], [["check", "--strict"]]])(
    "exits 64 with usage for %j",
    async (argv) => {
      const cli = captureIo(ROOT);
      expect(await runContracts(argv, cli.io)).toBe(64);
      expect(cli.stderr()).toContain("Usage: tollgate contracts check [DIR]");
      expect(cli.stdout()).toBe("");
    },
  );

  it("prints usage and exits 0 for --help", async () => {
    const cli = captureIo(ROOT);
    expect(await runContracts(["--help"], cli.io)).toBe(0);
    expect(cli.stdout()).toContain("Exit status: 0 valid, 1 invalid, 64 usage error.");
  });
});
