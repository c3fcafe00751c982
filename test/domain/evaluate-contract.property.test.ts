import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Contract, EvidenceRequirement, FreezeWindow } from "../../src/domain/contract.js";
import { evaluateContract, verdictOf } from "../../src/domain/evaluate-contract.js";
import { type ConfigValue, EVIDENCE_KINDS, EVIDENCE_STATUSES } from "../../src/domain/evidence.js";
import type { ReadinessFacts } from "../../src/domain/readiness.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const YEAR = 366 * 86_400_000;
const date = fc.integer({ min: T0 - YEAR, max: T0 + YEAR }).map((ms) => new Date(ms));
const duration = fc.option(fc.integer({ min: 0, max: 40 * 86_400_000 }), { nil: undefined });
const digests = ["a", "b", "c"].map((c) => `sha256:${c.repeat(64)}`);
const digest = fc.constantFrom(...digests);
const env = fc.constantFrom("dev", "staging", "prod", "qa");
const user = fc.constantFrom("U1", "U2", "U3", "U4");
const name = fc.constantFrom("unit", "e2e", "trivy", "cosign");
const counts = fc.dictionary(fc.constantFrom("total", "critical", "high", "passed"), fc.nat(20), {
  maxKeys: 3,
});

const requirement: fc.Arbitrary<EvidenceRequirement> = fc.record(
  {
    kind: fc.constantFrom(...EVIDENCE_KINDS),
    name,
    environment: env,
    maxAgeMs: fc.integer({ min: 0, max: 10 * 86_400_000 }),
    minTotal: fc.nat(5),
    max: fc.dictionary(fc.constantFrom("critical", "high"), fc.nat(3)),
  },
  { requiredKeys: ["kind"] },
);

const freezeWindow: fc.Arbitrary<FreezeWindow> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("Mon", "Fri", "Sat", "Sun", "Xyz"),
      fc.nat(25),
      fc.constantFrom("Mon", "Sun"),
      fc.nat(23),
    )
    .map(([d1, h1, d2, h2]) => ({ kind: "weekly" as const, spec: `${d1} ${h1}:00 - ${d2} ${h2}:30` })),
  fc.string().map((spec) => ({ kind: "weekly" as const, spec })),
  fc.tuple(date, date).map(([a, b]) => ({
    kind: "dated" as const,
    from: a.toISOString().slice(0, 10),
    to: b.toISOString().slice(0, 10),
  })),
  fc.record({ kind: fc.constant("dated" as const), from: fc.string(), to: fc.string() }),
);

const contract: fc.Arbitrary<Contract> = fc.record({
  environment: env,
  revision: fc.constantFrom("sha256:r1", "sha256:r2"),
  after: fc.option(env, { nil: undefined }),
  timezone: fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "Asia/Seoul", "Not/AZone"),
  artifact: fc.record({ sameAs: fc.option(env, { nil: undefined }), soakMs: duration, maxAgeMs: duration }),
  evidence: fc.array(requirement, { maxLength: 5 }),
  drift: fc.option(
    fc.record({
      compareTo: env,
      allow: fc.dictionary(fc.constantFrom("feature_flags", "endpoints", "data"), fc.nat(3)),
      ignore: fc.array(fc.constantFrom("feature_flags.exp-*", "data.**", "*", "[", "a?b")),
      normalize: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 })),
      maxSnapshotAgeMs: duration,
    }),
    { nil: undefined },
  ),
  approvals: fc.option(
    fc.record({
      required: fc.nat(3),
      approvers: fc.array(user),
      selfApproval: fc.boolean(),
      expireAfterMs: duration,
    }),
    { nil: undefined },
  ),
  freeze: fc.array(freezeWindow, { maxLength: 3 }),
});

const config = fc.dictionary(
  fc.constantFrom("feature_flags", "endpoints", "data", "custom"),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<ConfigValue>,
);
const snapshot = fc.record({ id: fc.uuid(), environment: env, takenAt: date, config });

const deployments = fc.array(
  fc.record({
    id: fc.uuid(),
    environment: env,
    digest,
    name: fc.constantFrom("checkout-api", "billing"),
    status: fc.constantFrom("started", "succeeded", "failed"),
    deployedAt: date,
    sequence: fc.nat(),
  }),
  { maxLength: 6 },
);

const facts: fc.Arbitrary<ReadinessFacts> = fc.record({
  artifact: fc.record(
    {
      name: fc.constantFrom("checkout-api", "billing"),
      digest,
      commit: fc.constantFrom("9fceb02d0ae598e95dc970b74767f19372d61af8", "9fceb02", "abc"),
      firstSeenAt: date,
    },
    { requiredKeys: ["name", "digest", "firstSeenAt"] },
  ),
  evidence: fc.array(
    fc.record(
      {
        id: fc.uuid(),
        digest,
        commit: fc.constantFrom("9fceb02d0ae598e95dc970b74767f19372d61af8", "9fceb02", "1234567"),
        kind: fc.constantFrom(...EVIDENCE_KINDS),
        name,
        status: fc.constantFrom(...EVIDENCE_STATUSES),
        environment: env,
        summary: counts,
        url: fc.constantFrom("https://ci/runs/1", "not a url", ""),
        observedAt: date,
        sequence: fc.nat(),
      },
      { requiredKeys: ["id", "kind", "name", "status", "summary", "observedAt", "sequence"] },
    ),
    { maxLength: 12 },
  ),
  upstreamDeployments: deployments,
  afterDeployments: fc.option(deployments, { nil: undefined }),
  snapshots: fc.record({ here: snapshot, there: snapshot }, { requiredKeys: [] }),
  locks: fc.array(
    fc.record(
      {
        environment: fc.oneof(env, fc.constant("*")),
        reason: fc.string(),
        lockedBy: user,
        lockedAt: date,
        expiresAt: date,
      },
      { requiredKeys: ["environment", "reason", "lockedBy", "lockedAt"] },
    ),
    { maxLength: 2 },
  ),
  promotion: fc.option(
    fc.record({
      id: fc.uuid(),
      requestedBy: user,
      requestedAt: date,
      digest,
      contractRevision: fc.constantFrom("sha256:r1", "sha256:r2"),
      approvals: fc.array(
        fc.record({
          userId: user,
          at: date,
          digest,
          contractRevision: fc.constantFrom("sha256:r1", "sha256:r2"),
          isApprover: fc.boolean(),
        }),
        { maxLength: 4 },
      ),
      freezeOverride: fc.option(fc.record({ by: user, reason: fc.string() }), { nil: undefined }),
    }),
    { nil: undefined },
  ),
});

describe("evaluateContract properties", () => {
  it("never throws, and its verdict follows its checks", () => {
    fc.assert(
      fc.property(contract, facts, date, (c, f, now) => {
        const readiness = evaluateContract(c, f, now);
        expect(readiness.verdict).toBe(verdictOf(readiness.checks));
        expect(new Set(readiness.checks.map((check) => check.id)).size).toBe(readiness.checks.length);
        for (const check of readiness.checks) expect(check.reason).not.toBe("");
        expect(readiness.checks.map((check) => check.id)).toContain("lock");
      }),
      { numRuns: 500 },
    );
  });

  it("is deterministic for a fixed now, whatever the order of the facts", () => {
    fc.assert(
      fc.property(contract, facts, date, (c, f, now) => {
        const first = evaluateContract(c, f, now);
        const shuffled: ReadinessFacts = {
          ...f,
          evidence: [...f.evidence].reverse(),
          upstreamDeployments: [...f.upstreamDeployments].reverse(),
          afterDeployments: f.afterDeployments && [...f.afterDeployments].reverse(),
          locks: [...f.locks],
        };
        expect(evaluateContract(c, shuffled, now)).toEqual(first);
        expect(evaluateContract(c, f, new Date(now.getTime()))).toEqual(first);
      }),
      { numRuns: 300 },
    );
  });
});
