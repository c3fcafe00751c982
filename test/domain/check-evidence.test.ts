import { describe, expect, it } from "vitest";
import { sameCommit } from "../../src/domain/artifact.js";
import { runRef } from "../../src/domain/check-evidence.js";
import type { EvidenceRequirement } from "../../src/domain/contract.js";
import { evaluateContract } from "../../src/domain/evaluate-contract.js";
import type { Evidence } from "../../src/domain/evidence.js";
import type { Check, CheckStatus } from "../../src/domain/readiness.js";
import {
  aContract,
  anArtifact,
  anEvidence,
  at,
  COMMIT,
  DAY,
  digestOf,
  HOUR,
  NOW,
  someFacts,
} from "../helpers/readiness-facts.js";

function evaluate(req: EvidenceRequirement, evidence: Evidence[], artifact = anArtifact()): Check {
  // No `after`: this file is about the evidence clause alone.
  const contract = aContract({ after: undefined, evidence: [req] });
  const readiness = evaluateContract(contract, someFacts({ artifact, evidence }), NOW);
  const check = readiness.checks[0];
  if (!check) throw new Error("no check");
  return check;
}

const E2E: EvidenceRequirement = { kind: "test", name: "e2e" };
const url = "https://ci.example.com/runs/8812";

interface Case {
  name: string;
  req?: EvidenceRequirement;
  evidence: Evidence[];
  status: CheckStatus;
  reason: string | RegExp;
}

const cases: Case[] = [
  {
    name: "nothing reported",
    evidence: [],
    status: "pending",
    reason: "no `e2e` result yet for sha256:4f2a…c91",
  },
  {
    name: "a pass with its run",
    evidence: [anEvidence({ url })],
    status: "passed",
    reason: "`e2e` passed on sha256:4f2a…c91 (run 8812)",
  },
  {
    name: "a failure",
    evidence: [anEvidence({ status: "failed", url })],
    status: "failed",
    reason: "`e2e` failed on sha256:4f2a…c91 (run 8812)",
  },
  {
    name: "an error",
    evidence: [anEvidence({ status: "error" })],
    status: "failed",
    reason: /^`e2e` errored/,
  },
  { name: "running", evidence: [anEvidence({ status: "running" })], status: "pending", reason: /is running/ },
  {
    name: "a skip is no result and hides an older pass",
    evidence: [anEvidence({ observedAt: at(-2 * HOUR) }), anEvidence({ status: "skipped" })],
    status: "pending",
    reason: /was skipped .*needs a run that passes/,
  },
  {
    name: "a later failure revokes a pass",
    evidence: [
      anEvidence({ observedAt: at(-2 * HOUR) }),
      anEvidence({ status: "failed", observedAt: at(-HOUR) }),
    ],
    status: "failed",
    reason: /failed/,
  },
  {
    name: "a later pass clears a failure",
    evidence: [
      anEvidence({ status: "failed", observedAt: at(-2 * HOUR) }),
      anEvidence({ observedAt: at(-HOUR) }),
    ],
    status: "passed",
    reason: /passed/,
  },
  {
    name: "newest by observed_at, not by arrival",
    evidence: [
      anEvidence({ observedAt: at(-HOUR) }),
      anEvidence({ status: "failed", observedAt: at(-2 * HOUR) }),
    ],
    status: "passed",
    reason: /passed/,
  },
  {
    name: "equal observed_at: the later arrival wins",
    evidence: [
      anEvidence({ observedAt: at(-HOUR) }),
      anEvidence({ status: "failed", observedAt: at(-HOUR) }),
    ],
    status: "failed",
    reason: /failed/,
  },
  {
    name: "commit-scoped evidence counts",
    evidence: [anEvidence({ digest: undefined, commit: COMMIT })],
    status: "passed",
    reason: "`e2e` passed on commit 9fceb02",
  },
  {
    name: "commit-scoped by a 12-hex abbreviation",
    evidence: [anEvidence({ digest: undefined, commit: COMMIT.slice(0, 12) })],
    status: "passed",
    reason: /passed/,
  },
  {
    name: "a 7-hex abbreviation does not stand for a longer commit (another repository may share it)",
    evidence: [anEvidence({ digest: undefined, commit: COMMIT.slice(0, 7) })],
    status: "pending",
    reason: /no `e2e` result/,
  },
  {
    name: "an 11-hex abbreviation does not either",
    evidence: [anEvidence({ digest: undefined, commit: COMMIT.slice(0, 11) })],
    status: "pending",
    reason: /no `e2e` result/,
  },
  {
    name: "a different commit of the same length does not count",
    evidence: [anEvidence({ digest: undefined, commit: `${COMMIT.slice(0, 39)}0` })],
    status: "pending",
    reason: /no `e2e` result/,
  },
  {
    name: "evidence for another digest of the same commit does not count",
    evidence: [anEvidence({ digest: digestOf("rebuild"), commit: COMMIT })],
    status: "pending",
    reason: /no `e2e` result/,
  },
  {
    name: "evidence observed before the artifact was first seen still counts",
    evidence: [anEvidence({ digest: undefined, commit: COMMIT, observedAt: at(-3 * DAY) })],
    status: "passed",
    reason: /passed on commit/,
  },
  {
    name: "another name does not match",
    evidence: [anEvidence({ name: "unit" })],
    status: "pending",
    reason: /no `e2e`/,
  },
  {
    name: "a kind-only requirement takes any name",
    req: { kind: "sbom" },
    evidence: [anEvidence({ kind: "sbom", name: "syft" })],
    status: "passed",
    reason: "`sbom` passed on sha256:4f2a…c91",
  },
];

describe("evidence requirements", () => {
  it.each(cases)("$name → $status", ({ req, evidence, status, reason }) => {
    const check = evaluate(req ?? E2E, evidence);
    expect(check.status).toBe(status);
    if (typeof reason === "string") expect(check.reason).toBe(reason);
    else expect(check.reason).toMatch(reason);
  });
});

describe("environment filter", () => {
  const req: EvidenceRequirement = { kind: "test", name: "e2e", environment: "staging" };
  it.each([
    { environment: "staging", status: "passed" },
    { environment: "dev", status: "pending" },
    { environment: undefined, status: "pending" },
  ])("evidence from $environment → $status", ({ environment, status }) => {
    expect(evaluate(req, [anEvidence({ environment })]).status).toBe(status);
  });

  it("a failure in another environment does not revoke a pass here", () => {
    const evidence = [
      anEvidence({ environment: "staging", observedAt: at(-2 * HOUR) }),
      anEvidence({ environment: "dev", status: "failed", observedAt: at(-HOUR) }),
    ];
    expect(evaluate(req, evidence).status).toBe("passed");
  });
});

describe("freshness (max_age)", () => {
  const req: EvidenceRequirement = { ...E2E, maxAgeMs: 72 * HOUR };
  it.each([
    { age: 72 * HOUR - 1, status: "passed" },
    { age: 72 * HOUR, status: "passed" },
    { age: 72 * HOUR + 1, status: "stale" },
    { age: -HOUR, status: "passed" },
  ])("a pass $age ms old → $status", ({ age, status }) => {
    expect(evaluate(req, [anEvidence({ observedAt: at(-age) })]).status).toBe(status);
  });

  it("says how old", () => {
    const check = evaluate(req, [anEvidence({ observedAt: at(-80 * HOUR), url })]);
    expect(check.reason).toBe("`e2e` passed on sha256:4f2a…c91 80h ago, older than max_age 3d (run 8812)");
  });

  it("an old failure stays a failure", () => {
    expect(evaluate(req, [anEvidence({ status: "failed", observedAt: at(-80 * HOUR) })]).status).toBe(
      "failed",
    );
  });
});

describe("thresholds", () => {
  const minTotal: EvidenceRequirement = { ...E2E, minTotal: 1 };
  const trivy: EvidenceRequirement = { kind: "scan", name: "trivy", max: { critical: 0, high: 3 } };
  const scan = (summary: Record<string, number>) => [anEvidence({ kind: "scan", name: "trivy", summary })];
  it.each([
    {
      name: "a zero-test pass",
      req: minTotal,
      evidence: [anEvidence({ summary: { total: 0, passed: 0 } })],
      status: "failed",
      reason: /ran 0 tests \(min_total 1\)/,
    },
    {
      name: "a scan under its min_total (not described as tests)",
      req: { ...trivy, max: undefined, minTotal: 5 },
      evidence: scan({ total: 2, critical: 0, high: 0 }),
      status: "failed",
      reason: /reported total 2 \(min_total 5\)/,
    },
    {
      name: "a pass with tests",
      req: minTotal,
      evidence: [anEvidence({ summary: { total: 412 } })],
      status: "passed",
      reason: /passed/,
    },
    {
      name: "a pass without a total",
      req: minTotal,
      evidence: [anEvidence()],
      status: "failed",
      reason: /reported no total/,
    },
    {
      name: "under every max",
      req: trivy,
      evidence: scan({ critical: 0, high: 3 }),
      status: "passed",
      reason: /passed/,
    },
    {
      name: "over a max",
      req: trivy,
      evidence: scan({ critical: 2, high: 5 }),
      status: "failed",
      reason: /critical 2 > 0, high 5 > 3/,
    },
    {
      name: "a missing count is unknown",
      req: trivy,
      evidence: scan({ high: 1 }),
      status: "failed",
      reason: /did not report `critical` \(max 0\)/,
    },
  ])("$name → $status", ({ req, evidence, status, reason }) => {
    const check = evaluate(req, evidence);
    expect(check.status).toBe(status);
    expect(check.reason).toMatch(reason);
  });
});

describe("check ids", () => {
  it("are unique when two requirements share a name", () => {
    const contract = aContract({
      evidence: [
        { kind: "test", name: "e2e" },
        { kind: "test", name: "e2e", environment: "staging" },
        { kind: "test", name: "e2e" },
      ],
    });
    const ids = evaluateContract(contract, someFacts(), NOW).checks.map((c) => c.id);
    expect(ids.filter((id) => id.startsWith("evidence:"))).toEqual([
      "evidence:e2e",
      "evidence:e2e@staging",
      "evidence:e2e#3",
    ]);
  });
});

describe("runRef", () => {
  it.each([
    ["https://ci.example.com/runs/8812", " (run 8812)"],
    ["https://ci.example.com/runs/8812/", " (run 8812)"],
    ["https://ci.example.com/runs/8812?attempt=2#log", " (run 8812)"],
    ["https://github.com/o/r/actions/runs/77/job/9", " (run 77)"],
    ["https://jenkins.example.com/job/e2e/412/", " (run 412)"],
    ["https://ci.example.com/pipelines/abc", " (https://ci.example.com/pipelines/abc)"],
    [undefined, ""],
    ["", ""],
  ])("%s → %j", (url, text) => {
    expect(runRef(url)).toBe(text);
  });
});

describe("sameCommit", () => {
  const short = COMMIT.slice(0, 7);
  it.each([
    { a: COMMIT, b: COMMIT, same: true },
    { a: short, b: short, same: true },
    { a: COMMIT.toUpperCase(), b: COMMIT, same: true },
    { a: COMMIT.slice(0, 12), b: COMMIT, same: true },
    { a: COMMIT, b: COMMIT.slice(0, 20), same: true },
    { a: short, b: COMMIT, same: false },
    { a: COMMIT, b: COMMIT.slice(0, 11), same: false },
    { a: COMMIT.slice(0, 12), b: `${COMMIT.slice(0, 11)}0${COMMIT.slice(12)}`, same: false },
    { a: "abcdef1", b: "abcdef2", same: false },
    { a: "abc", b: "abc", same: false },
    { a: undefined, b: COMMIT, same: false },
  ])("$a ~ $b → $same", ({ a, b, same }) => {
    expect(sameCommit(a, b)).toBe(same);
    expect(sameCommit(b, a)).toBe(same);
  });

  it("an artifact known by a 7-hex commit is not credited by a longer commit that starts with it", () => {
    const artifact = anArtifact({ commit: COMMIT.slice(0, 7) });
    const check = evaluate(E2E, [anEvidence({ digest: undefined, commit: COMMIT })], artifact);
    expect(check.status).toBe("pending");
  });
});
