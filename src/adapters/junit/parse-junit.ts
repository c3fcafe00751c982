/**
 * JUnit XML → one test outcome (SPEC §3.1 `status` + `summary`). There is no JUnit standard, so
 * this counts `<testcase>` elements itself and never trusts suite attributes: real producers
 * write wrong totals (pytest's `tests="15"` over 10 cases, surefire's `tests="1"` over 2).
 *
 * Outcome of one test, strongest first: `<failure>`/`<error>` → failed, `<skipped>` → skipped,
 * otherwise passed. Surefire's `<flakyFailure>`/`<flakyError>` mean "failed, then passed on
 * rerun" (passed, counted as flaky); its `<rerunFailure>` only accompanies a final `<failure>`.
 * The same test reported more than once (Gradle test-retry, a rerun file passed alongside the
 * first) counts once: passed if any run passed.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { CodedError } from "../../errors.js";

export interface JunitSummary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Failed tests whose result was an `<error>` (already included in `failed`). */
  errors?: number;
  /** Tests that failed at first and passed on a rerun (already included in `passed`). */
  flaky?: number;
}

export interface JunitResult {
  status: "passed" | "failed";
  summary: JunitSummary;
  suites: number;
}

export interface JunitInput {
  /** Where the XML came from (a file name); used in error messages and to tell reports apart. */
  source: string;
  xml: string;
}

type Outcome = "passed" | "failed" | "skipped";
interface TestRun {
  outcome: Outcome;
  error: boolean;
  flaky: boolean;
}
type XmlNode = Record<string, unknown>;

const ARRAY_TAGS = new Set([
  "testsuite",
  "testcase",
  "failure",
  "error",
  "skipped",
  "flakyFailure",
  "flakyError",
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  // NOTE: no entity processing at all: with DOCTYPEs refused below, `&lol9;`-style expansion
  // ("billion laughs") has nothing to expand, and we never need decoded text to count tests.
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (tagName) => ARRAY_TAGS.has(tagName),
});

export function parseJunit(xml: string, source = "junit.xml"): JunitResult {
  return parseJunitReports([{ source, xml }]);
}

/** Several reports (shards, reruns) merged into one outcome; throws naming every bad report. */
export function parseJunitReports(inputs: readonly JunitInput[]): JunitResult {
  const outcome = summariseJunitReports(inputs);
  if ("result" in outcome) return outcome.result;
  throw new CodedError("invalid_payload", outcome.problems.join("; "), {
    hint: "pass a JUnit XML report (a <testsuites> or <testsuite> root)",
    details: outcome.problems,
  });
}

/**
 * The merged outcome, or one problem per report that cannot be read, each starting with its
 * source: a CI job with two broken shards learns about both in one run.
 */
export function summariseJunitReports(
  inputs: readonly JunitInput[],
): { result: JunitResult } | { problems: string[] } {
  const runs = new Map<string, TestRun>();
  const problems: string[] = [];
  let suites = 0;
  for (const input of inputs) {
    const root = parseDocument(input.xml);
    if (typeof root === "string") problems.push(`${input.source}: ${root}`);
    else suites += collect(root, [], runs);
  }
  return problems.length > 0 ? { problems } : { result: summarise([...runs.values()], suites) };
}

/** A node whose `testsuite`/`testcase` children are the report's top level, or why there is none. */
function parseDocument(xml: string): XmlNode | string {
  if (xml.trim() === "") return "the file is empty (did the test run write its report?)";
  if (/<!DOCTYPE/i.test(xml)) return "DOCTYPE declarations are not allowed in JUnit reports";
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const where =
      valid.err.col === undefined
        ? `line ${valid.err.line}`
        : `line ${valid.err.line}, column ${valid.err.col}`;
    return `malformed XML at ${where}: ${valid.err.msg}`;
  }
  const doc = parser.parse(xml) as XmlNode;
  if ("testsuites" in doc) return asNode(doc.testsuites);
  const bare = doc.testsuite;
  if (Array.isArray(bare) && bare.length === 1) return { testsuite: bare };
  const roots = Object.keys(doc).filter((key) => !key.startsWith("?"));
  return `not a JUnit report: root element <${roots[0] ?? "none"}>`;
}

/** Walks suites at any depth (PHPUnit nests them); returns how many `<testsuite>`s it saw. */
function collect(node: XmlNode, path: string[], runs: Map<string, TestRun>): number {
  let suites = 0;
  for (const testcase of children(node, "testcase")) {
    const key = [...path, attr(testcase, "classname"), attr(testcase, "name")].join("\u0000");
    const run = classify(testcase);
    const earlier = runs.get(key);
    runs.set(key, earlier === undefined ? run : mergeRuns(earlier, run));
  }
  for (const suite of children(node, "testsuite")) {
    suites += 1 + collect(suite, [...path, attr(suite, "name")], runs);
  }
  return suites;
}

function classify(testcase: XmlNode): TestRun {
  const error = children(testcase, "error").length > 0;
  if (error || children(testcase, "failure").length > 0) return { outcome: "failed", error, flaky: false };
  if (children(testcase, "skipped").length > 0) return { outcome: "skipped", error: false, flaky: false };
  const flaky = children(testcase, "flakyFailure").length + children(testcase, "flakyError").length > 0;
  return { outcome: "passed", error: false, flaky };
}

function mergeRuns(earlier: TestRun, later: TestRun): TestRun {
  const failedOnce = earlier.outcome === "failed" || later.outcome === "failed";
  if (earlier.outcome === "passed" || later.outcome === "passed") {
    return { outcome: "passed", error: false, flaky: failedOnce || earlier.flaky || later.flaky };
  }
  return failedOnce ? (earlier.outcome === "failed" ? earlier : later) : earlier;
}

function summarise(runs: TestRun[], suites: number): JunitResult {
  const count = (predicate: (run: TestRun) => boolean): number => runs.filter(predicate).length;
  const summary: JunitSummary = {
    total: runs.length,
    passed: count((run) => run.outcome === "passed"),
    failed: count((run) => run.outcome === "failed"),
    skipped: count((run) => run.outcome === "skipped"),
  };
  const errors = count((run) => run.error);
  const flaky = count((run) => run.flaky);
  if (errors > 0) summary.errors = errors;
  if (flaky > 0) summary.flaky = flaky;
  return { status: summary.failed > 0 ? "failed" : "passed", summary, suites };
}

function children(node: XmlNode, tag: string): XmlNode[] {
  const value = node[tag];
  if (!Array.isArray(value)) return [];
  // Self-closing elements with no attributes parse as "", which still counts as present.
  return value.map((item) => (isNode(item) ? item : {}));
}

function attr(node: XmlNode, name: string): string {
  const value = node[`@_${name}`];
  return typeof value === "string" ? value : "";
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asNode(value: unknown): XmlNode {
  if (Array.isArray(value)) return isNode(value[0]) ? value[0] : {};
  return isNode(value) ? value : {};
}
