import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runReport } from "../../src/cli/report.js";
import {
  type CapturedIo,
  captureIo,
  closedPortUrl,
  type LoopbackTollgate,
  startLoopbackTollgate,
} from "../helpers/loopback-tollgate.js";
import { SHARED_FIXTURES } from "../helpers/shared-fixtures.js";

const SECRET = "ci-secret-0123456789abcdef";
const HEX = "4f2a".repeat(16);
const JUNIT = `${SHARED_FIXTURES}/junit-xml`;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let server: LoopbackTollgate;
let dir: string;

beforeEach(async () => {
  server = await startLoopbackTollgate(SECRET);
  dir = mkdtempSync(join(tmpdir(), "tollgate-report-"));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function io(env: Record<string, string | undefined> = {}): CapturedIo {
  return captureIo({ TOLLGATE_URL: server.url, TOLLGATE_SECRET: SECRET, ...env }, dir);
}

const FAST = ["--retry-delay-ms", "5"];
const ARTIFACT = ["--artifact", `checkout-api@sha256:${HEX}`, "--name", "e2e"];

describe("tollgate report: accepted (exit 0)", () => {
  it("summarises JUnit reports and sends signed evidence with a fresh delivery key", async () => {
    const cli = io();
    const files = [join(JUNIT, "pytest.junit.xfail-properties.xml"), join(JUNIT, "jest-junit.pass.xml")];
    const args = [...ARTIFACT, "--version", "1.4.2", "--commit", "9FCEB02", "--environment", "staging"];
    const code = await runReport(
      [...args, "--link", "https://ci.example.com/runs/8812", "--junit", ...files],
      cli,
    );
    expect(cli.err()).toBe("");
    expect(code).toBe(0);
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request?.path).toBe("/api/v1/evidence");
    expect(request?.signatureValid).toBe(true);
    expect(String(request?.headers["x-tollgate-delivery"])).toMatch(UUID_V7);
    expect(request?.body).toEqual({
      artifact: { name: "checkout-api", digest: `sha256:${HEX}`, commit: "9fceb02", version: "1.4.2" },
      kind: "test",
      name: "e2e",
      status: "failed",
      environment: "staging",
      summary: { total: 12, passed: 8, failed: 2, skipped: 2 },
      url: "https://ci.example.com/runs/8812",
    });
    expect(cli.out()).toMatch(
      /^accepted test evidence "e2e" \(failed, 12 total\) id=\S+ delivery=[0-9a-f-]{36}\n$/,
    );
  });

  it("answers a repeated delivery key as a duplicate, still exit 0", async () => {
    const args = [...ARTIFACT, "--status", "passed", "--delivery", "build-8812-e2e"];
    expect(await runReport(args, io())).toBe(0);
    const again = io();
    expect(await runReport(args, again)).toBe(0);
    expect(again.out()).toContain("duplicate delivery, stored once");
  });

  it("sends commit-scoped evidence with no digest, plus summary, time and details", async () => {
    writeFileSync(join(dir, "details.json"), JSON.stringify({ shard: 3 }));
    const args = [
      "--commit",
      "9fceb02d0ae598e95dc970b74767f19372d61af8",
      "--kind",
      "scan",
      "--name",
      "trivy",
    ];
    const extra = ["--status", "passed", "--summary", "critical=0,high=3", "--summary", "low=12"];
    const code = await runReport(
      [...args, ...extra, "--observed-at", "2026-11-27T10:00:00+01:00", "--details-file", "details.json"],
      io(),
    );
    expect(code).toBe(0);
    expect(server.received[0]?.body).toEqual({
      artifact: { commit: "9fceb02d0ae598e95dc970b74767f19372d61af8" },
      kind: "scan",
      name: "trivy",
      status: "passed",
      summary: { critical: 0, high: 3, low: 12 },
      observed_at: "2026-11-27T09:00:00.000Z",
      details: { shard: 3 },
    });
  });

  it("retries 503 and 500 with backoff, reusing the same delivery key", async () => {
    server.script = [
      { status: 503, body: { error: "not_ready" } },
      { status: 500, body: {} },
    ];
    const code = await runReport([...ARTIFACT, "--status", "passed", ...FAST], io());
    expect(code).toBe(0);
    const keys = server.received.map((r) => r.headers["x-tollgate-delivery"]);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(server.received.every((r) => r.signatureValid)).toBe(true);
  });

  it("--url and --secret override TOLLGATE_URL and TOLLGATE_SECRET", async () => {
    const cli = io({ TOLLGATE_URL: await closedPortUrl(), TOLLGATE_SECRET: "wrong-secret-wrong-secret" });
    const code = await runReport(
      [...ARTIFACT, "--status", "passed", "--url", server.url, "--secret", SECRET],
      cli,
    );
    expect(code).toBe(0);
  });

  it("--dry-run prints the body and sends nothing", async () => {
    const cli = io({ TOLLGATE_SECRET: undefined });
    const code = await runReport(
      [...ARTIFACT, "--junit", join(JUNIT, "surefire.TEST-FlakyTest.flakyFailure-rerun.xml"), "--dry-run"],
      cli,
    );
    expect(code).toBe(0);
    expect(server.received).toHaveLength(0);
    expect(JSON.parse(cli.out())).toMatchObject({
      status: "passed",
      summary: { total: 2, passed: 2, flaky: 1 },
    });
  });
});

describe("tollgate report: rejected (exit 1)", () => {
  it("prints the server's error code and every issue on 400", async () => {
    server.script = [
      {
        status: 400,
        body: {
          error: "invalid_payload",
          issues: [
            { path: "environment", message: "unknown environment" },
            { path: "summary.total", message: "must be >= 0" },
          ],
        },
      },
    ];
    const cli = io();
    expect(await runReport([...ARTIFACT, "--status", "passed", ...FAST], cli)).toBe(1);
    expect(cli.err()).toBe(
      "tollgate: rejected (400 invalid_payload)\n  environment: unknown environment\n  summary.total: must be >= 0\n",
    );
    expect(server.received).toHaveLength(1);
  });

  it("says how to fix a signature the server refuses (401), without retrying", async () => {
    const cli = io({ TOLLGATE_SECRET: "not-the-server-secret-at-all" });
    expect(await runReport([...ARTIFACT, "--status", "passed", ...FAST], cli)).toBe(1);
    expect(cli.err()).toContain("rejected (401 unauthorized)");
    expect(cli.err()).toContain("hint: check that TOLLGATE_SECRET");
    expect(server.received).toHaveLength(1);
  });

  it("reports 409 artifact_conflict and 413 payload_too_large", async () => {
    server.script = [
      { status: 409, body: { error: "artifact_conflict", message: "sha256:4f2a…f2a is checkout-web" } },
      { status: 413, body: { error: "payload_too_large", limit: 1048576 } },
    ];
    const conflict = io();
    expect(await runReport([...ARTIFACT, "--status", "passed"], conflict)).toBe(1);
    expect(conflict.err()).toContain("rejected (409 artifact_conflict): sha256:4f2a…f2a is checkout-web");
    const large = io();
    expect(await runReport([...ARTIFACT, "--status", "passed"], large)).toBe(1);
    expect(large.err()).toContain("rejected (413 payload_too_large) (limit 1048576 bytes)");
  });

  it("lists every local problem at once and sends nothing", async () => {
    const cli = io();
    const args = [
      "--artifact",
      "Checkout API",
      "--digest",
      "sha256:xyz",
      "--summary",
      "total=-1",
      "--link",
      "nope",
    ];
    expect(await runReport(args, cli)).toBe(1);
    expect(cli.err()).toBe(
      [
        "tollgate: invalid_payload: 6 problems",
        '  --artifact: "Checkout API" is not a valid name (lower case, digits, . _ / -)',
        '  --digest: "sha256:xyz" must be sha256: followed by 64 hex characters',
        "  --name: required (e.g. --name e2e)",
        "  --status: required unless --junit sets it",
        '  --summary: "total=-1" must be key=non-negative integer',
        '  --link: "nope" is not an http(s) URL',
        "",
      ].join("\n"),
    );
    expect(server.received).toHaveLength(0);
  });

  it("refuses malformed JUnit XML with a clear message, not a crash", async () => {
    writeFileSync(join(dir, "broken.xml"), "<testsuites><testsuite name='a'><testcase></testsuites>");
    const cli = io();
    expect(await runReport([...ARTIFACT, "--junit", "broken.xml"], cli)).toBe(1);
    expect(cli.err()).toMatch(
      /^tollgate: invalid_payload: 1 problem\n {2}broken\.xml: malformed XML at line 1/,
    );
    expect(server.received).toHaveLength(0);
  });

  it("lists JUnit file problems together with the flags' problems (docs/ci.md: all at once)", async () => {
    writeFileSync(join(dir, "bad.xml"), "<testsuites><testsuite name='a'><testcase></testsuites>");
    writeFileSync(join(dir, "empty.xml"), "");
    writeFileSync(join(dir, "details.json"), "[1]");
    const cli = io();
    const args = ["--name", "x", "--junit", "bad.xml", "empty.xml", "missing.xml", "--summary", "a=b"];
    expect(await runReport([...args, "--details-file", "details.json"], cli)).toBe(1);
    expect(cli.err()).toBe(
      [
        "tollgate: invalid_payload: 6 problems",
        "  --digest or --commit: one is required (a commit alone makes commit-scoped evidence)",
        '  --summary: "a=b" must be key=non-negative integer',
        "  --details-file: must hold a JSON object",
        "  missing.xml: cannot read (ENOENT)",
        "  bad.xml: malformed XML at line 1, column 43: Expected closing tag 'testcase' (opened in line 1, col 33) instead of closing tag 'testsuites'.",
        "  empty.xml: the file is empty (did the test run write its report?)",
        "",
      ].join("\n"),
    );
    expect(server.received).toHaveLength(0);
  });

  it("refuses an artifact name or version with --commit alone: commit-scoped evidence counts for every artifact", async () => {
    const named = io();
    const commit = ["--commit", "9fceb02d0ae598e95dc970b74767f19372d61af8", "--status", "passed"];
    expect(await runReport(["--artifact", "checkout-api", ...commit], named)).toBe(1);
    expect(named.err()).toContain(
      "--artifact: needs --digest; with --commit alone the evidence counts for every artifact",
    );
    const versioned = io();
    expect(await runReport(["--version", "1.4.2", ...commit], versioned)).toBe(1);
    expect(versioned.err()).toContain("--version: needs --digest");
    expect(server.received).toHaveLength(0);
  });

  it("--artifact NAME@VERSION alone is refused naming --artifact: a version cannot identify evidence's artifact", async () => {
    const cli = io();
    expect(
      await runReport(["--artifact", "checkout-api@1.0.0", "--name", "e2e", "--status", "passed"], cli),
    ).toBe(1);
    expect(cli.err()).toBe(
      [
        "tollgate: invalid_payload: 1 problem",
        '  --artifact: "checkout-api@1.0.0" gives a version, which does not identify an artifact for evidence; add --digest sha256:<64 hex> (or write checkout-api@sha256:<64 hex>), or send commit-scoped evidence with --commit alone',
        "",
      ].join("\n"),
    );
    expect(server.received).toHaveLength(0);
  });

  it.each([
    [`checkout-api@sha256:${HEX.slice(0, 12)}`, "has a digest prefix; evidence needs the whole digest"],
    ["checkout-api@sha256:xyz", "the digest must be sha256: followed by 64 hex characters"],
    [
      `sha256:${HEX}`,
      "--artifact: the artifact name is required with a digest (--artifact NAME@sha256:<64 hex>)",
    ],
    ["checkout-api@", '"checkout-api@" ends with @'],
  ])("--artifact %s is refused naming --artifact, not --digest", async (ref, problem) => {
    const cli = io();
    expect(await runReport(["--artifact", ref, "--name", "e2e", "--status", "passed"], cli)).toBe(1);
    expect(cli.err()).toContain(problem);
    expect(cli.err()).not.toContain("  --digest:");
  });
});

describe("tollgate report: the reference forms of --artifact", () => {
  async function dryRun(args: string[]): Promise<unknown> {
    const cli = io({ TOLLGATE_SECRET: undefined });
    expect(
      await runReport([...args, "--name", "e2e", "--status", "passed", "--dry-run"], cli),
      cli.err(),
    ).toBe(0);
    return (JSON.parse(cli.out()) as { artifact: unknown }).artifact;
  }

  it("takes NAME@sha256:<64 hex> as the name and the digest (upper-case hex lower-cased)", async () => {
    expect(await dryRun(["--artifact", `checkout-api@SHA256:${HEX.toUpperCase()}`])).toEqual({
      name: "checkout-api",
      digest: `sha256:${HEX}`,
    });
  });

  it("takes NAME@VERSION as the name and the version when the digest comes from --digest", async () => {
    expect(await dryRun(["--artifact", "checkout-api@1.4.2", "--digest", `sha256:${HEX}`])).toEqual({
      name: "checkout-api",
      digest: `sha256:${HEX}`,
      version: "1.4.2",
    });
  });

  it("refuses a version in --artifact that contradicts --version", async () => {
    const cli = io();
    const args = ["--artifact", "checkout-api@1.4.2", "--version", "1.4.3", "--digest", `sha256:${HEX}`];
    expect(await runReport([...args, "--name", "e2e", "--status", "passed"], cli)).toBe(1);
    expect(cli.err()).toContain('--version: differs from the version in --artifact ("1.4.2")');
  });
});

describe("tollgate report: rejected before sending (exit 1)", () => {
  it("refuses an empty JUnit file and a --url that is not http(s), before sending", async () => {
    writeFileSync(join(dir, "empty.xml"), "");
    const empty = io();
    expect(await runReport([...ARTIFACT, "--junit", "empty.xml"], empty)).toBe(1);
    expect(empty.err()).toContain("empty.xml: the file is empty");
    const ftp = io();
    expect(await runReport([...ARTIFACT, "--status", "passed", "--url", "ftp://ci.example.com"], ftp)).toBe(
      1,
    );
    expect(ftp.err()).toContain('--url: "ftp://ci.example.com" is not an http(s) URL');
    expect(server.received).toHaveLength(0);
  });

  it("refuses a missing JUnit file and an unknown kind", async () => {
    const missing = io();
    expect(await runReport([...ARTIFACT, "--junit", "nowhere.xml"], missing)).toBe(1);
    expect(missing.err()).toContain("nowhere.xml: cannot read (ENOENT)");
    const kind = io();
    expect(await runReport([...ARTIFACT, "--status", "passed", "--kind", "vibes"], kind)).toBe(1);
    expect(kind.err()).toContain(
      "Allowed choices are test, scan, sbom, signature, provenance, review, health, custom",
    );
  });

  it("needs a secret, and says where it comes from", async () => {
    const cli = io({ TOLLGATE_SECRET: undefined });
    expect(await runReport([...ARTIFACT, "--status", "passed"], cli)).toBe(1);
    expect(cli.err()).toContain("hint: set TOLLGATE_SECRET (or --secret)");
    // `--secret "$UNSET_VARIABLE"` is no secret either: refused here, not sent to earn a 401.
    const empty = io({ TOLLGATE_SECRET: undefined });
    expect(await runReport([...ARTIFACT, "--status", "passed", "--secret", ""], empty)).toBe(1);
    expect(empty.err()).toContain("tollgate: unauthorized: no signing secret");
    expect(server.received).toHaveLength(0);
  });
});

describe("tollgate report: unreachable (exit 2)", () => {
  it("exits 2 when nothing listens, naming the delivery key to retry with", async () => {
    const cli = io({ TOLLGATE_URL: await closedPortUrl() });
    expect(await runReport([...ARTIFACT, "--status", "passed", "--retries", "1", ...FAST], cli)).toBe(2);
    expect(cli.err()).toMatch(
      /^tollgate: unreachable: ECONNREFUSED at http:\/\/127\.0\.0\.1:\d+ \(delivery=[0-9a-f-]{36}; re-run with the same --delivery/,
    );
  });

  it("exits 2 when the server stays unavailable (503) through every retry", async () => {
    server.script = Array.from({ length: 3 }, () => ({ status: 503, body: { error: "not_ready" } }));
    const cli = io();
    expect(await runReport([...ARTIFACT, "--status", "passed", "--retries", "2", ...FAST], cli)).toBe(2);
    expect(server.received).toHaveLength(3);
    expect(cli.err()).toContain("unreachable: HTTP 503 not_ready");
  });
});

describe("tollgate report: an answer that is not Tollgate's (exit 2)", () => {
  it.each([
    ["a web page answering 200", { status: 200, html: "<html>hello</html>" }],
    ["JSON without an id", { status: 202, body: { ok: true } }],
  ])("treats %s as not reached, without retrying", async (_why, answer) => {
    server.script = [answer];
    const cli = io();
    expect(await runReport([...ARTIFACT, "--status", "passed", "--retries", "2", ...FAST], cli)).toBe(2);
    expect(server.received).toHaveLength(1);
    expect(cli.out()).toBe("");
    expect(cli.err()).toMatch(/unreachable: HTTP 20\d, but not Tollgate's answer .*check --url/);
  });
});

describe("tollgate report --help", () => {
  it("prints every flag and exits 0", async () => {
    const cli = io();
    expect(await runReport(["--help"], cli)).toBe(0);
    for (const flag of [
      "--artifact",
      "--digest",
      "--commit",
      "--junit",
      "--link",
      "--delivery",
      "--url",
      "--secret",
    ]) {
      expect(cli.out()).toContain(flag);
    }
  });
});
