import { describe, expect, it } from "vitest";
import type { Contract } from "../../src/domain/contract.js";
import type { DriftResult } from "../../src/domain/drift.js";
import { evaluateContract } from "../../src/domain/evaluate-contract.js";
import type { ApprovalFact, Check, PromotionFact, ReadinessFacts } from "../../src/domain/readiness.js";
import {
  aContract,
  aSnapshot,
  at,
  DAY,
  DIGEST,
  digestOf,
  HOUR,
  NOW,
  REVISION,
  someFacts,
} from "../helpers/readiness-facts.js";

function checkOf(contract: Contract, facts: ReadinessFacts, id: string, now = NOW): Check | undefined {
  return evaluateContract(contract, facts, now).checks.find((c) => c.id === id);
}

describe("drift", () => {
  const contract = aContract({
    drift: {
      compareTo: "staging",
      allow: { feature_flags: 2, endpoints: 0 },
      ignore: ["feature_flags.experiment-*"],
      normalize: { staging: "{env}", prod: "{env}" },
      maxSnapshotAgeMs: 24 * HOUR,
    },
  });
  const prod = {
    feature_flags: { a: true, b: true, c: true, "experiment-x": 1 },
    endpoints: { pay: "https://pay.prod" },
  };
  const staging = {
    feature_flags: { a: false, b: false, c: false },
    endpoints: { pay: "https://pay.staging" },
  };
  const within = {
    feature_flags: { a: false, b: false, c: true },
    endpoints: { pay: "https://pay.staging" },
  };

  it.each([
    {
      name: "no snapshots",
      snapshots: {},
      status: "pending",
      reason: "no configuration snapshot of prod or staging yet",
    },
    {
      name: "only here",
      snapshots: { here: aSnapshot("prod", prod) },
      status: "pending",
      reason: "no configuration snapshot of staging yet",
    },
    {
      name: "over budget",
      snapshots: {
        here: aSnapshot("prod", { ...prod, endpoints: { pay: "https://pay2.prod" } }),
        there: aSnapshot("staging", staging),
      },
      status: "failed",
      reason: "drift vs staging over budget: feature_flags 3/2, endpoints 1/0",
    },
    {
      name: "within budget after ignore and normalize",
      snapshots: { here: aSnapshot("prod", prod), there: aSnapshot("staging", within) },
      status: "passed",
      reason: "drift vs staging within budget (2 differences)",
    },
    {
      name: "a snapshot older than max_snapshot_age",
      snapshots: { here: aSnapshot("prod", prod), there: aSnapshot("staging", within, at(-30 * HOUR)) },
      status: "stale",
      reason: "snapshot of staging is 30h old (max_snapshot_age 1d)",
    },
    {
      name: "exactly max_snapshot_age is fresh",
      snapshots: { here: aSnapshot("prod", prod, at(-DAY)), there: aSnapshot("staging", within) },
      status: "passed",
      reason: /within budget/,
    },
  ])("$name → $status", ({ snapshots, status, reason }) => {
    const check = checkOf(contract, someFacts({ snapshots }), "drift");
    expect(check?.status).toBe(status);
    if (typeof reason === "string") expect(check?.reason).toBe(reason);
    else expect(check?.reason).toMatch(reason);
  });

  it("puts the differences in detail", () => {
    const facts = someFacts({
      snapshots: { here: aSnapshot("prod", prod), there: aSnapshot("staging", staging) },
    });
    const detail = checkOf(contract, facts, "drift")?.detail as DriftResult;
    expect(
      detail.categories.find((c) => c.category === "feature_flags")?.differences.map((d) => d.key),
    ).toEqual(["a", "b", "c"]);
  });

  it("is absent without a drift clause", () => {
    expect(checkOf(aContract(), someFacts(), "drift")).toBeUndefined();
  });
});

describe("freeze", () => {
  const contract = aContract({
    timezone: "Europe/Berlin",
    freeze: [
      { kind: "weekly", spec: "Fri 16:00 - Mon 09:00" },
      { kind: "dated", from: "2026-12-24", to: "2027-01-02", reason: "Holiday freeze" },
    ],
  });
  const friday = new Date("2026-11-27T16:00:00Z");

  it("blocks inside a window, saying until when in the contract's zone", () => {
    const check = checkOf(contract, someFacts(), "freeze", friday);
    expect(check).toMatchObject({
      status: "failed",
      reason: "Frozen until Mon 09:00 Europe/Berlin (weekly freeze Fri 16:00 - Mon 09:00)",
    });
  });

  it("names the dated window's reason and date", () => {
    const check = checkOf(contract, someFacts(), "freeze", new Date("2026-12-24T10:00:00Z"));
    expect(check?.reason).toBe("Frozen until Mon 2027-01-04 09:00 Europe/Berlin (Holiday freeze)");
  });

  it("passes outside the windows", () => {
    expect(checkOf(contract, someFacts(), "freeze", new Date("2026-11-25T12:00:00Z"))?.status).toBe("passed");
  });

  it("an override passes, loudly", () => {
    const promotion: PromotionFact = {
      id: "p1",
      requestedBy: "U0BOB",
      requestedAt: friday,
      digest: DIGEST,
      contractRevision: REVISION,
      approvals: [],
      freezeOverride: { by: "U0ALICE", reason: "hotfix for INC-42" },
    };
    const check = checkOf(contract, someFacts({ promotion }), "freeze", friday);
    expect(check).toMatchObject({
      status: "passed",
      reason: "Freeze overridden by <@U0ALICE>: hotfix for INC-42 (frozen until Mon 09:00 Europe/Berlin)",
    });
  });
});

describe("lock", () => {
  const lock = { reason: "incident INC-7", lockedBy: "U0SRE", lockedAt: at(-HOUR) };
  it.each([
    { name: "no locks", locks: [], status: "passed", reason: "prod is not locked" },
    {
      name: "locked",
      locks: [{ ...lock, environment: "prod" }],
      status: "failed",
      reason: "Locked by <@U0SRE>: incident INC-7",
    },
    {
      name: "locked until",
      locks: [{ ...lock, environment: "prod", expiresAt: at(2 * HOUR) }],
      status: "failed",
      reason: "Locked by <@U0SRE> until Fri 15:00 Europe/Berlin: incident INC-7",
    },
    {
      name: "line stopped",
      locks: [{ ...lock, environment: "*" }],
      status: "failed",
      reason: "Line stopped by <@U0SRE>: incident INC-7",
    },
    {
      name: "expired",
      locks: [{ ...lock, environment: "prod", expiresAt: NOW }],
      status: "passed",
      reason: "prod is not locked",
    },
    {
      name: "another environment",
      locks: [{ ...lock, environment: "staging" }],
      status: "passed",
      reason: "prod is not locked",
    },
  ])("$name → $status", ({ locks, status, reason }) => {
    expect(checkOf(aContract(), someFacts({ locks }), "lock")).toMatchObject({ status, reason });
  });
});

describe("approvals", () => {
  const contract = aContract({
    approvals: { required: 2, approvers: ["S0RELEASE"], selfApproval: false, expireAfterMs: 8 * HOUR },
  });
  const approval = (userId: string, overrides: Partial<ApprovalFact> = {}): ApprovalFact => ({
    userId,
    at: at(-HOUR),
    digest: DIGEST,
    contractRevision: REVISION,
    isApprover: true,
    ...overrides,
  });
  const promotion = (approvals: ApprovalFact[], overrides: Partial<PromotionFact> = {}): PromotionFact => ({
    id: "p1",
    requestedBy: "U0BOB",
    requestedAt: at(-2 * HOUR),
    digest: DIGEST,
    contractRevision: REVISION,
    approvals,
    ...overrides,
  });
  const NEW_REVISION = `sha256:${"cd".repeat(32)}`;

  it.each([
    { name: "none yet", approvals: [], status: "waiting", reason: "0 of 2 approvals" },
    { name: "one", approvals: [approval("U1")], status: "waiting", reason: "1 of 2 approvals: <@U1>" },
    {
      name: "two",
      approvals: [approval("U1"), approval("U2")],
      status: "passed",
      reason: "2 of 2 approvals: <@U1>, <@U2>",
    },
    {
      name: "the same person twice",
      approvals: [approval("U1"), approval("U1")],
      status: "waiting",
      reason: "1 of 2 approvals: <@U1>",
    },
    {
      name: "the requester's own",
      approvals: [approval("U1"), approval("U0BOB")],
      status: "waiting",
      reason: "1 of 2 approvals: <@U1> (the requester's own approval does not count)",
    },
    {
      name: "a non-approver",
      approvals: [approval("U1"), approval("U9", { isApprover: false })],
      status: "waiting",
      reason: "1 of 2 approvals: <@U1> (1 from non-approvers ignored)",
    },
    {
      name: "an approval for another digest",
      approvals: [approval("U1"), approval("U2", { digest: digestOf("x") })],
      status: "waiting",
      reason: "1 of 2 approvals: <@U1> (1 for another digest does not count)",
    },
  ])("$name → $status", ({ approvals, status, reason }) => {
    expect(checkOf(contract, someFacts({ promotion: promotion(approvals) }), "approvals")).toMatchObject({
      status,
      reason,
    });
  });

  it("a contract revision change drops earlier approvals", () => {
    const facts = someFacts({ promotion: promotion([approval("U1"), approval("U2")]) });
    expect(checkOf(contract, facts, "approvals")?.status).toBe("passed");
    const changed = { ...contract, revision: NEW_REVISION };
    expect(checkOf(changed, facts, "approvals")).toMatchObject({
      status: "waiting",
      reason: "0 of 2 approvals (2 for an earlier contract revision no longer count)",
    });
  });

  it("counts self-approval when the contract allows it", () => {
    const allowing = aContract({ approvals: { required: 1, approvers: [], selfApproval: true } });
    const facts = someFacts({ promotion: promotion([approval("U0BOB")]) });
    expect(checkOf(allowing, facts, "approvals")?.status).toBe("passed");
  });

  it.each([
    { age: 8 * HOUR, status: "passed" },
    { age: 8 * HOUR + 1, status: "failed" },
  ])("a request $age ms old → $status", ({ age, status }) => {
    const facts = someFacts({
      promotion: promotion([approval("U1"), approval("U2")], { requestedAt: at(-age) }),
    });
    const check = checkOf(contract, facts, "approvals");
    expect(check?.status).toBe(status);
    if (status === "failed") expect(check?.reason).toMatch(/^approval request expired/);
  });

  it("a promotion for another digest fails", () => {
    const facts = someFacts({ promotion: promotion([], { digest: digestOf("x") }) });
    expect(checkOf(contract, facts, "approvals")?.status).toBe("failed");
  });

  it("is absent without an open promotion", () => {
    expect(checkOf(contract, someFacts(), "approvals")).toBeUndefined();
  });
});
