/** `tollgate` itself: help for one command, the version, and "did you mean" for a mistyped command. */
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";

async function tollgate(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {}, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("tollgate help <command> and <command> --help", () => {
  it.each([
    ["report", /^Usage: tollgate report \[options\]/],
    ["assert", /^Usage: tollgate assert \[options\] <artifact>/],
    ["snapshot", /^Usage: tollgate snapshot/],
    ["audit", /^Usage: tollgate audit verify \[--expect-head <seq>:<hash>\]/],
    ["migrate", /^Usage: tollgate migrate/],
    ["start", /^Usage: tollgate start/],
    ["contracts", /^Usage: tollgate contracts check/],
  ])("prints the usage of %s, not the top-level one, both ways", async (command, usage) => {
    for (const argv of [
      ["help", command],
      [command, "--help"],
    ]) {
      const result = await tollgate(argv);
      expect(result.code, argv.join(" ")).toBe(0);
      expect(result.stdout).toMatch(usage);
      expect(result.stdout).not.toContain("Usage: tollgate <command>");
    }
  });

  it("still prints the command list for help alone", async () => {
    const result = await tollgate(["help"]);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: tollgate <command>/) });
  });
});

describe("tollgate -v", () => {
  it.each([["-v"], ["-V"], ["--version"]])("%s prints the version", async (flag) => {
    expect(await tollgate([flag])).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^tollgate \d+\.\d+\.\d+\n$/),
      stderr: "",
    });
  });
});

describe("an unknown command", () => {
  it.each([
    ["reprot", "report"],
    ["asert", "assert"],
    ["migarte", "migrate"],
  ])("%s suggests %s and exits 64", async (typed, meant) => {
    const result = await tollgate([typed]);
    expect(result.code).toBe(64);
    expect(result.stderr.split("\n")[0]).toBe(
      `tollgate: unknown command "${typed}" (did you mean "${meant}"?)`,
    );
  });

  it("suggests nothing for a word far from every command, and does the same after help", async () => {
    expect((await tollgate(["deploy"])).stderr.split("\n")[0]).toBe('tollgate: unknown command "deploy"');
    const help = await tollgate(["help", "reprot"]);
    expect(help.code).toBe(64);
    expect(help.stderr).toContain('(did you mean "report"?)');
  });

  it("is not fooled by names every object has", async () => {
    expect((await tollgate(["constructor"])).code).toBe(64);
  });
});
