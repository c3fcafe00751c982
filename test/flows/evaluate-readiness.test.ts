import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDeploymentHistoryStore } from "../../src/adapters/sqlite/deployment-history-store.js";
import { createLatestEvidenceStore } from "../../src/adapters/sqlite/latest-evidence-store.js";
import { createStores, type Stores } from "../../src/adapters/sqlite/stores.js";
import type { Lock } from "../../src/domain/readiness.js";
import { isCodedError } from "../../src/errors.js";
import { createReadinessService, type FullReadinessService } from "../../src/flows/evaluate-readiness.js";
import { resolveArtifact } from "../../src/flows/resolve-artifact.js";
import { at, BLOCKED, NOW, READY, seedReadiness, TWIN_A } from "../helpers/readiness-seed.js";
import { CONTRACTS, loadContracts } from "../helpers/readiness-server.js";
import { createTestDb, type TestDb } from "../helpers/test-db.js";

let db: TestDb;
let stores: Stores;
let service: FullReadinessService;
let locks: Lock[];
const set = loadContracts(CONTRACTS);
const contracts = { current: () => set };

beforeEach(() => {
  db = createTestDb();
  stores = createStores(db.db);
  locks = [];
  service = createReadinessService({
    contracts,
    artifacts: stores.artifacts,
    evidence: { ...stores.evidence, ...createLatestEvidenceStore(db.db) },
    deployments: { ...stores.deployments, ...createDeploymentHistoryStore(db.db) },
    snapshots: stores.snapshots,
    locks: () => locks,
    clock: { now: () => NOW },
  });
  seedReadiness(stores);
});
afterEach(async () => {
  await stores.intake.drain();
  db.cleanup();
});

const deploy = (environment: string, digest: string, hoursAgo: number) =>
  stores.deployments.insert({
    environment,
    digest,
    status: "succeeded",
    deployedAt: at(hoursAgo),
    receivedAt: at(hoursAgo),
  });

describe("createReadinessService", () => {
  it("evaluates one stored artifact against one contract", () => {
    const readiness = service.evaluate(READY.digest, "prod");
    expect(readiness.verdict).toBe("ready");
    expect(readiness.contractRevision).toBe(set.contracts.get("prod")?.revision);
    expect(readiness.evaluatedAt).toEqual(NOW);
  });

  it("refuses an unknown digest or environment with a code", () => {
    const codeOf = (work: () => unknown) => {
      try {
        work();
      } catch (error) {
        return isCodedError(error) ? error.code : "other";
      }
      return "none";
    };
    expect(codeOf(() => service.evaluate(`sha256:${"0".repeat(64)}`, "prod"))).toBe("artifact_not_found");
    expect(codeOf(() => service.evaluate(READY.digest, "qa"))).toBe("environment_not_found");
  });

  it("a redeploy of another build restarts the soak; redeploying this one restarts it again", () => {
    deploy("staging", BLOCKED.digest, 2);
    const replaced = service.evaluate(READY.digest, "prod").checks.find((c) => c.id === "artifact:soak");
    expect(replaced?.status).toBe("passed");
    expect(replaced?.reason).toBe("soaked 1h in staging");
    deploy("staging", READY.digest, 0.5);
    const again = service.evaluate(READY.digest, "prod").checks.find((c) => c.id === "artifact:soak");
    expect(again).toMatchObject({ status: "waiting", reason: "soaking 30m of 1h in staging" });
  });

  it("another service deploying upstream does not replace it", () => {
    deploy("staging", TWIN_A.digest, 2);
    const soak = service.evaluate(READY.digest, "prod").checks.find((c) => c.id === "artifact:soak");
    expect(soak?.reason).toBe("soaked 3h in staging");
  });

  it("locks come from the locks port", () => {
    locks = [{ environment: "*", reason: "incident", lockedBy: "U1", lockedAt: at(1) }];
    expect(service.evaluate(READY.digest, "prod").verdict).toBe("blocked");
  });

  it("evaluateAll gives every artifact × environment, newest artifacts first", () => {
    const all = service.evaluateAll();
    expect(all).toHaveLength(4 * 3);
    expect(all.slice(0, 3).map((r) => [r.digest, r.environment])).toEqual([
      [BLOCKED.digest, "dev"],
      [BLOCKED.digest, "staging"],
      [BLOCKED.digest, "prod"],
    ]);
    const single = all.find((r) => r.digest === READY.digest && r.environment === "prod");
    expect(single).toEqual(service.evaluate(READY.digest, "prod"));
    expect(service.evaluateAll({ environments: ["prod"], limit: 2 })).toHaveLength(2);
  });
});

describe("resolveArtifact", () => {
  const ports = () => ({
    artifacts: stores.artifacts,
    deployments: createDeploymentHistoryStore(db.db),
    contracts,
  });

  it("a bare name for a first stage is the newest artifact of that name", () => {
    const resolved = resolveArtifact("checkout-api", "dev", ports());
    expect(resolved.ok && resolved.artifact.digest).toBe(BLOCKED.digest);
    const noTarget = resolveArtifact("checkout-api", undefined, ports());
    expect(noTarget.ok && noTarget.artifact.digest).toBe(BLOCKED.digest);
  });

  it("a bare name with nothing running upstream says so", () => {
    const resolved = resolveArtifact("billing", "staging", ports());
    expect(resolved).toMatchObject({
      ok: false,
      code: "artifact_not_found",
      message: /no billing is running in dev/,
    });
  });

  it("name@digest must match the name", () => {
    expect(resolveArtifact(`billing@${READY.digest}`, "prod", ports())).toMatchObject({
      ok: false,
      code: "artifact_not_found",
    });
    expect(resolveArtifact(`checkout-api@${READY.digest.slice(0, 20)}`, "prod", ports())).toMatchObject({
      ok: true,
      artifact: { digest: READY.digest },
    });
  });
});

describe("drift facts", () => {
  it("a newer snapshot is compared, never a remembered one", () => {
    const withDrift = loadContracts({
      ...CONTRACTS,
      "prod.yml": "after: staging\ndrift: {compare_to: staging, allow: {feature_flags: 0}}\n",
    });
    const drifting = createReadinessService({
      contracts: { current: () => withDrift },
      artifacts: stores.artifacts,
      evidence: stores.evidence,
      deployments: { ...stores.deployments, ...createDeploymentHistoryStore(db.db) },
      snapshots: stores.snapshots,
      clock: { now: () => NOW },
    });
    const snap = (environment: string, on: boolean, hoursAgo: number) =>
      stores.snapshots.insert({
        environment,
        configJson: JSON.stringify({ feature_flags: { checkout: on } }),
        takenAt: at(hoursAgo),
        receivedAt: at(hoursAgo),
      });
    snap("staging", true, 2);
    snap("prod", false, 2);
    const drift = () => drifting.evaluate(READY.digest, "prod").checks.find((c) => c.id === "drift");
    expect(drift()?.status).toBe("failed");
    expect(drift()?.status).toBe("failed");
    snap("prod", true, 1);
    expect(drift()).toMatchObject({
      status: "passed",
      reason: "drift vs staging within budget (0 differences)",
    });
  });
});

describe("after alone", () => {
  function serviceFor(prod: string): FullReadinessService {
    const contractSet = loadContracts({ ...CONTRACTS, "prod.yml": prod });
    return createReadinessService({
      contracts: { current: () => contractSet },
      artifacts: stores.artifacts,
      evidence: stores.evidence,
      deployments: { ...stores.deployments, ...createDeploymentHistoryStore(db.db) },
      snapshots: stores.snapshots,
      clock: { now: () => NOW },
    });
  }
  const afterCheck = (readiness: { checks: { id: string; status: string; reason: string }[] }) =>
    readiness.checks.find((c) => c.id === "artifact:after");

  it("keeps out an artifact that never ran in the after stage, single and bulk", () => {
    const afterOnly = serviceFor("after: staging\n");
    // BLOCKED ran in dev only; READY ran in staging.
    const skipped = afterOnly.evaluate(BLOCKED.digest, "prod");
    expect(skipped.verdict).toBe("waiting");
    expect(afterCheck(skipped)).toMatchObject({
      status: "waiting",
      reason: expect.stringMatching(/not yet deployed to staging/),
    });
    expect(afterCheck(afterOnly.evaluate(READY.digest, "prod"))?.status).toBe("passed");
    const bulk = afterOnly.evaluateAll({ environments: ["prod"] });
    expect(bulk.find((r) => r.digest === BLOCKED.digest)).toEqual(skipped);
    expect(bulk.find((r) => r.digest === READY.digest)?.verdict).toBe("ready");
  });

  it("reads the after stage too when same_as names another stage", () => {
    const sameAsDev = serviceFor("after: staging\nartifact: {same_as: dev}\n");
    const skipped = sameAsDev.evaluate(BLOCKED.digest, "prod");
    expect(skipped.checks.find((c) => c.id === "artifact:same_as")?.status).toBe("passed");
    expect(afterCheck(skipped)?.status).toBe("waiting");
    expect(
      sameAsDev.evaluateAll({ environments: ["prod"] }).find((r) => r.digest === BLOCKED.digest),
    ).toEqual(skipped);
    deploy("staging", BLOCKED.digest, 0.5);
    expect(afterCheck(sameAsDev.evaluate(BLOCKED.digest, "prod"))?.status).toBe("passed");
  });
});
