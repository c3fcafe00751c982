import { describe, expect, it } from "vitest";
import type { Contract } from "../../src/domain/contract.js";
import { evaluateContract, verdictOf } from "../../src/domain/evaluate-contract.js";
import type { Check, CheckStatus, ReadinessFacts } from "../../src/domain/readiness.js";
import {
  aContract,
  aDeployment,
  anArtifact,
  anEvidence,
  at,
  COMMIT,
  DAY,
  DIGEST,
  digestOf,
  HOUR,
  NOW,
  someFacts,
} from "../helpers/readiness-facts.js";

function checkOf(contract: Contract, facts: ReadinessFacts, id: string, now = NOW): Check {
  const check = evaluateContract(contract, facts, now).checks.find((c) => c.id === id);
  if (!check) throw new Error(`no check ${id}`);
  return check;
}

const OTHER = digestOf("other-build");

describe("artifact:same_as", () => {
  const contract = aContract({ artifact: { sameAs: "staging" } });
  const cases: { name: string; facts: ReadinessFacts; status: CheckStatus; reason: RegExp }[] = [
    {
      name: "running upstream",
      facts: someFacts({ upstreamDeployments: [aDeployment()] }),
      status: "passed",
      reason: /^sha256:4f2a…c91 is running in staging$/,
    },
    {
      name: "ran upstream, since replaced",
      facts: someFacts({
        upstreamDeployments: [aDeployment(), aDeployment({ digest: OTHER, deployedAt: at(-DAY) })],
      }),
      status: "passed",
      reason: /ran in staging \(replaced by sha256:6f74…000\)/,
    },
    {
      name: "another digest of the same name does not count",
      facts: someFacts({ upstreamDeployments: [aDeployment({ digest: OTHER })] }),
      status: "waiting",
      reason: /not yet deployed to staging \(staging runs sha256:6f74…000\)/,
    },
    {
      name: "a failed or started deployment is not running",
      facts: someFacts({
        upstreamDeployments: [aDeployment({ status: "failed" }), aDeployment({ status: "started" })],
      }),
      status: "waiting",
      reason: /^sha256:4f2a…c91 not yet deployed to staging$/,
    },
  ];
  it.each(cases)("$name → $status", ({ facts, status, reason }) => {
    const check = checkOf(contract, facts, "artifact:same_as");
    expect(check.status).toBe(status);
    expect(check.reason).toMatch(reason);
  });
});

describe("artifact:after", () => {
  const STAGING = digestOf("staging-build");
  it.each([
    {
      name: "never deployed to after",
      facts: someFacts(),
      status: "waiting",
      reason: /^sha256:4f2a…c91 not yet deployed to staging$/,
    },
    {
      name: "another digest of the same name runs there",
      facts: someFacts({ upstreamDeployments: [aDeployment({ digest: STAGING })] }),
      status: "waiting",
      reason: /not yet deployed to staging \(staging runs sha256:7374…000\)/,
    },
    {
      name: "only a failed deployment there",
      facts: someFacts({ upstreamDeployments: [aDeployment({ status: "failed" })] }),
      status: "waiting",
      reason: /not yet deployed to staging$/,
    },
    {
      name: "running there",
      facts: someFacts({ upstreamDeployments: [aDeployment()] }),
      status: "passed",
      reason: /^sha256:4f2a…c91 is running in staging$/,
    },
    {
      name: "ran there, since replaced",
      facts: someFacts({
        upstreamDeployments: [aDeployment(), aDeployment({ digest: STAGING, deployedAt: at(-DAY) })],
      }),
      status: "passed",
      reason: /ran in staging \(replaced by sha256:7374…000\)/,
    },
  ] as const)("after alone: $name → $status", ({ facts, status, reason }) => {
    const readiness = evaluateContract(aContract({ after: "staging" }), facts, NOW);
    const check = readiness.checks.find((c) => c.id === "artifact:after");
    expect(check?.status).toBe(status);
    expect(check?.reason).toMatch(reason);
    if (status !== "passed") expect(readiness.verdict).toBe("waiting");
  });

  it("is left to artifact:same_as when same_as names the after stage", () => {
    const contract = aContract({ after: "staging", artifact: { sameAs: "staging" } });
    const ids = evaluateContract(contract, someFacts(), NOW).checks.map((c) => c.id);
    expect(ids).toContain("artifact:same_as");
    expect(ids).not.toContain("artifact:after");
  });

  it("reads afterDeployments when same_as names another stage", () => {
    const contract = aContract({ after: "staging", artifact: { sameAs: "dev" } });
    const inDev = someFacts({ upstreamDeployments: [aDeployment({ environment: "dev" })] });
    expect(checkOf(contract, inDev, "artifact:same_as").status).toBe("passed");
    expect(checkOf(contract, inDev, "artifact:after")).toMatchObject({
      status: "waiting",
      reason: "sha256:4f2a…c91 not yet deployed to staging",
    });
    const inBoth = { ...inDev, afterDeployments: [aDeployment()] };
    expect(checkOf(contract, inBoth, "artifact:after")).toMatchObject({
      status: "passed",
      reason: "sha256:4f2a…c91 is running in staging",
    });
  });

  it("is absent for the first stage", () => {
    const ids = evaluateContract(aContract({ after: undefined }), someFacts(), NOW).checks.map((c) => c.id);
    expect(ids.filter((id) => id.startsWith("artifact:"))).toEqual([]);
  });
});

describe("artifact:soak", () => {
  const contract = aContract({ artifact: { sameAs: "staging", soakMs: 24 * HOUR } });
  const cases: { name: string; facts: ReadinessFacts; status: CheckStatus; reason: RegExp }[] = [
    {
      name: "soaking",
      facts: someFacts({ upstreamDeployments: [aDeployment({ deployedAt: at(-3 * HOUR) })] }),
      status: "waiting",
      reason: /^soaking 3h of 1d in staging$/,
    },
    {
      name: "exactly the soak time",
      facts: someFacts({ upstreamDeployments: [aDeployment({ deployedAt: at(-DAY) })] }),
      status: "passed",
      reason: /^soaked 1d in staging$/,
    },
    {
      name: "redeploying it restarts the clock",
      facts: someFacts({
        upstreamDeployments: [
          aDeployment({ deployedAt: at(-3 * DAY) }),
          aDeployment({ digest: OTHER, deployedAt: at(-2 * DAY) }),
          aDeployment({ deployedAt: at(-2 * HOUR) }),
        ],
      }),
      status: "waiting",
      reason: /^soaking 2h of 1d/,
    },
    {
      name: "replaced before it soaked",
      facts: someFacts({
        upstreamDeployments: [
          aDeployment({ deployedAt: at(-10 * HOUR) }),
          aDeployment({ digest: OTHER, deployedAt: at(-7 * HOUR) }),
        ],
      }),
      status: "failed",
      reason: /soaked only 3h of 1d in staging before sha256:6f74…000 replaced it; redeploy/,
    },
    {
      name: "replaced after it soaked",
      facts: someFacts({
        upstreamDeployments: [
          aDeployment({ deployedAt: at(-3 * DAY) }),
          aDeployment({ digest: OTHER, deployedAt: at(-DAY) }),
        ],
      }),
      status: "passed",
      reason: /^soaked 2d in staging$/,
    },
    {
      name: "another service deploying to staging does not stop the clock",
      facts: someFacts({
        upstreamDeployments: [
          aDeployment({ deployedAt: at(-30 * HOUR) }),
          aDeployment({ name: "billing", digest: OTHER, deployedAt: at(-20 * HOUR) }),
        ],
      }),
      status: "passed",
      reason: /^soaked 30h in staging$/,
    },
    {
      name: "a failed deployment of another digest does not replace it",
      facts: someFacts({
        upstreamDeployments: [
          aDeployment({ deployedAt: at(-30 * HOUR) }),
          aDeployment({ digest: OTHER, status: "failed", deployedAt: at(-20 * HOUR) }),
        ],
      }),
      status: "passed",
      reason: /^soaked 30h/,
    },
    {
      name: "never deployed",
      facts: someFacts(),
      status: "waiting",
      reason: /not yet deployed to staging/,
    },
  ];
  it.each(cases)("$name → $status", ({ facts, status, reason }) => {
    const check = checkOf(contract, facts, "artifact:soak");
    expect(check.status).toBe(status);
    expect(check.reason).toMatch(reason);
  });

  it("soaks in the previous stage when same_as is not set", () => {
    const upstream = someFacts({ upstreamDeployments: [aDeployment({ deployedAt: at(-3 * HOUR) })] });
    const check = checkOf(aContract({ artifact: { soakMs: HOUR } }), upstream, "artifact:soak");
    expect(check).toMatchObject({ status: "passed", reason: "soaked 3h in staging" });
  });

  it("fails a soak with nowhere to soak", () => {
    const first = aContract({ after: undefined, artifact: { soakMs: HOUR } });
    expect(checkOf(first, someFacts(), "artifact:soak").status).toBe("failed");
  });
});

describe("artifact:max_age", () => {
  const contract = aContract({ artifact: { maxAgeMs: 30 * DAY } });
  it.each([
    { age: 29 * DAY, status: "passed" },
    { age: 30 * DAY, status: "passed" },
    { age: 30 * DAY + 1_000, status: "failed" },
  ])("first seen $age ms ago → $status", ({ age, status }) => {
    const facts = someFacts({ artifact: anArtifact({ firstSeenAt: at(-age) }) });
    expect(checkOf(contract, facts, "artifact:max_age").status).toBe(status);
  });

  it("says how old it is", () => {
    const facts = someFacts({ artifact: anArtifact({ firstSeenAt: at(-31 * DAY) }) });
    expect(checkOf(contract, facts, "artifact:max_age").reason).toBe(
      "sha256:4f2a…c91 is 31d old (max_age 30d)",
    );
  });
});

describe("verdict", () => {
  const check = (status: CheckStatus): Check => ({ id: status, status, reason: "" });
  it.each([
    { statuses: [], verdict: "ready" },
    { statuses: ["passed", "passed"], verdict: "ready" },
    { statuses: ["passed", "pending"], verdict: "waiting" },
    { statuses: ["waiting", "passed"], verdict: "waiting" },
    { statuses: ["waiting", "stale"], verdict: "blocked" },
    { statuses: ["pending", "failed"], verdict: "blocked" },
  ] as const)("$statuses → $verdict", ({ statuses, verdict }) => {
    expect(verdictOf(statuses.map(check))).toBe(verdict);
  });

  it("orders checks artifact, evidence, drift, freeze, lock, approvals", () => {
    const contract = aContract({
      artifact: { sameAs: "dev", soakMs: HOUR, maxAgeMs: DAY },
      evidence: [{ kind: "test", name: "unit" }, { kind: "sbom" }],
      drift: { compareTo: "staging", allow: {}, ignore: [], normalize: {} },
      freeze: [{ kind: "weekly", spec: "Sat 00:00 - Sun 00:00" }],
      approvals: { required: 1, approvers: ["U1"], selfApproval: false },
    });
    const promotion = {
      id: "p1",
      requestedBy: "U0",
      requestedAt: NOW,
      digest: DIGEST,
      contractRevision: contract.revision,
      approvals: [],
    };
    const ids = evaluateContract(contract, someFacts({ promotion }), NOW).checks.map((c) => c.id);
    expect(ids).toEqual([
      "artifact:after",
      "artifact:same_as",
      "artifact:soak",
      "artifact:max_age",
      "evidence:unit",
      "evidence:sbom",
      "drift",
      "freeze",
      "lock",
      "approvals",
    ]);
  });

  it("records the contract revision and the moment of evaluation", () => {
    const readiness = evaluateContract(aContract({ after: undefined }), someFacts(), NOW);
    expect(readiness).toMatchObject({
      environment: "prod",
      digest: DIGEST,
      verdict: "ready",
      contractRevision: aContract().revision,
      evaluatedAt: NOW,
    });
  });

  it("a contract of only passed checks is ready; one pending requirement makes it wait", () => {
    const contract = aContract({ evidence: [{ kind: "test", name: "unit" }] });
    const passedStaging = { upstreamDeployments: [aDeployment()] };
    expect(evaluateContract(contract, someFacts(passedStaging), NOW).verdict).toBe("waiting");
    const facts = someFacts({ ...passedStaging, evidence: [anEvidence({ name: "unit", commit: COMMIT })] });
    expect(evaluateContract(contract, facts, NOW).verdict).toBe("ready");
  });
});
