import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJunit, parseJunitReports } from "../../../src/adapters/junit/parse-junit.js";
import { isCodedError } from "../../../src/errors.js";
import { SHARED_FIXTURES } from "../../helpers/shared-fixtures.js";

const DIR = `${SHARED_FIXTURES}/junit-xml`;
const read = (file: string): string => readFileSync(join(DIR, file), "utf8");

/**
 * Expected results counted by hand from each file's <testcase> elements (see the fixture README);
 * where a suite's own attributes disagree, the comment says so.
 */
const EXPECTED: Record<string, ReturnType<typeof parseJunit>> = {
  // two packages that panicked: <error message="Runtime error">, root has errors="2" only
  "go-junit-report.panic-errors.xml": {
    status: "failed",
    summary: { total: 2, passed: 0, failed: 2, skipped: 0, errors: 2 },
    suites: 2,
  },
  // TestPass, TestPassLog pass; TestOne fails; TestSkip, TestSkipNow skipped
  "go-junit-report.pass-fail-skip.xml": {
    status: "failed",
    summary: { total: 5, passed: 2, failed: 1, skipped: 2 },
    suites: 3,
  },
  // main.test.js: 1 pass + 3 <failure> without message; second.test.js: 1 failure, 1 <skipped/>
  "jest-junit.failures-skipped.xml": {
    status: "failed",
    summary: { total: 6, passed: 1, failed: 4, skipped: 1 },
    suites: 2,
  },
  "jest-junit.pass.xml": {
    status: "passed",
    summary: { total: 2, passed: 2, failed: 0, skipped: 0 },
    suites: 1,
  },
  // skipped+failure+error → failed (an error); skipped+failure → failed; skipped; passed
  "multiresult-per-testcase.xml": {
    status: "failed",
    summary: { total: 4, passed: 1, failed: 2, skipped: 1, errors: 1 },
    suites: 1,
  },
  // four <testsuite>s nested three deep holding TestCase1..5, all passing
  "nested-testsuite-in-testsuite.xml": {
    status: "passed",
    summary: { total: 5, passed: 5, failed: 0, skipped: 0 },
    suites: 4,
  },
  "root-is-testsuite.xml": {
    status: "passed",
    summary: { total: 5, passed: 5, failed: 0, skipped: 0 },
    suites: 4,
  },
  // 3 pass, 1 pytest.skip, 1 failure
  "pytest.junit.fail-skip.xml": {
    status: "failed",
    summary: { total: 5, passed: 3, failed: 1, skipped: 1 },
    suites: 1,
  },
  // suite claims tests="15"; there are 10 cases: 6 pass, skip + xfail skipped, 2 failures
  "pytest.junit.xfail-properties.xml": {
    status: "failed",
    summary: { total: 10, passed: 6, failed: 2, skipped: 2 },
    suites: 1,
  },
  "surefire.TEST-FailingTest.failures.xml": {
    status: "failed",
    summary: { total: 2, passed: 0, failed: 2, skipped: 0 },
    suites: 1,
  },
  "surefire.TEST-MyTest.error.xml": {
    status: "failed",
    summary: { total: 1, passed: 0, failed: 1, skipped: 0, errors: 1 },
    suites: 1,
  },
  // suite claims tests="1"; testFlaky (3 flakyFailure + 1 flakyError, then passed) and testStable
  "surefire.TEST-FlakyTest.flakyFailure-rerun.xml": {
    status: "passed",
    summary: { total: 2, passed: 2, failed: 0, skipped: 0, flaky: 1 },
    suites: 1,
  },
};

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isCodedError(error) ? `${error.code}: ${error.message}` : `uncoded: ${String(error)}`;
  }
  return undefined;
}

describe("parseJunit over every fixture dialect", () => {
  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(file, () => {
      expect(parseJunit(read(file), file)).toEqual(expected);
    });
  }

  it("covers every XML file in the fixture folder", async () => {
    const { readdirSync } = await import("node:fs");
    const files = readdirSync(DIR).filter((file) => file.endsWith(".xml"));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });
});

describe("parseJunitReports merges several files", () => {
  it("adds distinct reports together", () => {
    const result = parseJunitReports([
      { source: "a.xml", xml: read("go-junit-report.pass-fail-skip.xml") },
      { source: "b.xml", xml: read("jest-junit.pass.xml") },
      { source: "c.xml", xml: read("surefire.TEST-MyTest.error.xml") },
    ]);
    expect(result).toEqual({
      status: "failed",
      summary: { total: 8, passed: 4, failed: 2, skipped: 2, errors: 1 },
      suites: 5,
    });
  });

  it("counts a test that failed and then passed in a rerun report once, as passed and flaky", () => {
    const first = `<testsuites><testsuite name="api"><testcase classname="Api" name="creates"><failure/></testcase>
      <testcase classname="Api" name="lists"/></testsuite></testsuites>`;
    const rerun = `<testsuite name="api"><testcase classname="Api" name="creates"/></testsuite>`;
    expect(
      parseJunitReports([
        { source: "first.xml", xml: first },
        { source: "rerun.xml", xml: rerun },
      ]),
    ).toEqual({
      status: "passed",
      summary: { total: 2, passed: 2, failed: 0, skipped: 0, flaky: 1 },
      suites: 2,
    });
  });

  it("keeps a test failed when every rerun failed (surefire rerunFailure next to failure)", () => {
    const xml = `<testsuite name="s"><testcase classname="C" name="t"><failure message="x"/>
      <rerunFailure message="x"/><rerunFailure message="x"/></testcase></testsuite>`;
    expect(parseJunit(xml)).toEqual({
      status: "failed",
      summary: { total: 1, passed: 0, failed: 1, skipped: 0 },
      suites: 1,
    });
  });

  it("treats an empty report as zero tests, passed", () => {
    expect(parseJunit("<testsuites/>")).toEqual({
      status: "passed",
      summary: { total: 0, passed: 0, failed: 0, skipped: 0 },
      suites: 0,
    });
  });
});

describe("hostile and malformed input", () => {
  const cases: Record<string, string> = {
    "truncated XML": read("jest-junit.pass.xml").slice(0, 200),
    "mismatched tags": "<testsuites><testsuite></testcase></testsuites>",
    "not XML": '{"tests": 3}',
    "empty file": "",
    "another format (failsafe summary)": "<failsafe-summary><completed>3</completed></failsafe-summary>",
    "billion laughs": `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">
      <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><testsuites><testsuite name="&lol3;"/></testsuites>`,
    "external entity": `<!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuite name="&xxe;"/>`,
  };
  for (const [name, xml] of Object.entries(cases)) {
    it(`refuses ${name} with invalid_payload naming the file`, () => {
      expect(codeOf(() => parseJunit(xml, "bad.xml"))).toMatch(/^invalid_payload: bad\.xml: /);
    });
  }

  it("says why a DOCTYPE is refused", () => {
    expect(codeOf(() => parseJunit(cases["external entity"] ?? ""))).toContain("DOCTYPE");
  });
});
