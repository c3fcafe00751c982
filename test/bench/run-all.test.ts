/**
 * `npm run bench -- <name>`: `--help` lists the benchmarks, and a name that matches none is
 * refused with that list (64) instead of building, running nothing and exiting 0.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chooseBenchmarks } from "../../bench/choose-benchmarks.js";
import { REPO_ROOT } from "../helpers/test-app.js";

const FILES = [
  "slack.bench.js",
  "drift.bench.js",
  "ingest.bench.js",
  "promotion.bench.js",
  "readiness.bench.js",
];

describe("chooseBenchmarks", () => {
  it("runs every benchmark without an argument, in name order", () => {
    expect(chooseBenchmarks([], FILES)).toEqual({ kind: "run", files: [...FILES].sort() });
  });

  it("runs the benchmarks whose name contains the filter", () => {
    expect(chooseBenchmarks(["drift"], FILES)).toEqual({ kind: "run", files: ["drift.bench.js"] });
    expect(chooseBenchmarks(["in"], FILES)).toEqual({
      kind: "run",
      files: ["ingest.bench.js", "readiness.bench.js"],
    });
  });

  it.each([["--help"], ["-h"], ["help"]])("%s: the usage with every benchmark's name", (flag) => {
    const choice = chooseBenchmarks([flag], FILES);
    expect(choice.kind).toBe("help");
    expect(choice).toMatchObject({ text: expect.stringContaining("Usage: npm run bench [-- <name>]") });
    expect(choice).toMatchObject({
      text: expect.stringContaining("Benchmarks: drift, ingest, promotion, readiness, slack"),
    });
  });

  it.each([
    [["nonexistent"], 'no benchmark matches "nonexistent"'],
    [["bench"], 'no benchmark matches "bench"'],
    [["--json"], 'unknown option "--json"'],
    [["drift", "slack"], "one benchmark name at most, got 2"],
  ])("%j is a usage error that lists the benchmarks", (args, reason) => {
    const choice = chooseBenchmarks(args, FILES);
    expect(choice.kind).toBe("usage_error");
    expect(choice).toMatchObject({ text: expect.stringMatching(new RegExp(`^${reason}\\n\\nUsage: `)) });
    expect(choice).toMatchObject({ text: expect.stringContaining("Benchmarks: drift, ingest") });
  });
});

/** The compiled runner, as `npm run bench` starts it after `npm run build`. */
function runAll(...args: string[]) {
  return spawnSync(process.execPath, [join(REPO_ROOT, "dist", "bench", "run-all.js"), ...args], {
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("dist/bench/run-all.js", () => {
  it("--help prints the usage and exits 0 without running anything", () => {
    const { status, stdout, stderr } = runAll("--help");
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout).toContain("Benchmarks: drift, ingest, promotion, readiness, slack");
    expect(stdout).not.toContain("===");
  });

  it("a name that matches nothing exits 64 with the usage on stderr", () => {
    const { status, stdout, stderr } = runAll("nonexistent");
    expect(status).toBe(64);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^bench: no benchmark matches "nonexistent"\n/);
    expect(stderr).toContain("Benchmarks: drift, ingest, promotion, readiness, slack");
  });
});
