import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStores, type Stores } from "../../src/adapters/sqlite/stores.js";
import type { IntakeDeps } from "../../src/flows/intake-ports.js";
import { type ChangeEvent, createChangeBus } from "../../src/flows/ports.js";
import { recordDeployment } from "../../src/flows/record-deployment.js";
import { recordEvidence } from "../../src/flows/record-evidence.js";
import { recordSnapshot } from "../../src/flows/record-snapshot.js";
import { digestOf } from "../helpers/test-app.js";
import { createTestDb, type TestDb } from "../helpers/test-db.js";

const NOW = new Date("2026-11-27T10:00:00Z");
const COMMIT = "9fceb02d0ae598e95dc970b74767f19372d61af8";

describe("intake flows", () => {
  let t: TestDb;
  let stores: Stores;
  let deps: IntakeDeps;
  const events: ChangeEvent[] = [];
  beforeEach(() => {
    t = createTestDb();
    stores = createStores(t.db);
    const bus = createChangeBus();
    events.length = 0;
    // The event must announce data that is already readable.
    bus.subscribe((e) =>
      events.push(e.type === "artifact_changed" ? { ...e, digests: [...e.digests].sort() } : e),
    );
    deps = { store: stores.intake, bus, clock: { now: () => NOW } };
  });
  afterEach(() => t.cleanup());

  it("defaults observed_at to the time received and copies the artifact's commit", async () => {
    const digest = digestOf("a");
    stores.artifacts.register({ name: "api", digest, commit: COMMIT }, NOW);
    const item = {
      artifact: { name: "api", digest },
      kind: "test" as const,
      name: "unit",
      status: "passed" as const,
    };
    const outcome = await recordEvidence(deps, { items: [item], batch: false });
    expect(outcome).toMatchObject({ duplicate: false, stored: 1 });
    expect(stores.evidence.evidenceFor({ digest })).toMatchObject([
      { observedAt: NOW, commit: COMMIT, summary: {} },
    ]);
  });

  it("takes a known digest without its name (SPEC §3.1) and refuses an unknown one, storing nothing", async () => {
    const digest = digestOf("known");
    stores.artifacts.register({ name: "api", digest, commit: COMMIT }, NOW);
    const item = (d: string) => ({
      artifact: { digest: d },
      kind: "test" as const,
      name: "unit",
      status: "passed" as const,
    });
    expect(await recordEvidence(deps, { items: [item(digest)], batch: false })).toMatchObject({ stored: 1 });
    expect(stores.evidence.evidenceFor({ digest })).toMatchObject([{ commit: COMMIT }]);
    const unknown = digestOf("never seen");
    await expect(
      recordEvidence(deps, { items: [item(digest), item(unknown)], batch: true }),
    ).rejects.toMatchObject({
      code: "invalid_payload",
      details: [{ path: "items.1.artifact.name", message: expect.stringContaining("is not known yet") }],
    });
    expect(stores.evidence.evidenceFor({ digest })).toHaveLength(1);
  });

  it("announces commit-scoped evidence for every artifact already built from the commit", async () => {
    const [a, b] = [digestOf("a"), digestOf("b")];
    stores.artifacts.register({ name: "api", digest: a, commit: COMMIT }, NOW);
    stores.artifacts.register({ name: "web", digest: b, commit: COMMIT }, NOW);
    const item = (commit: string) => ({
      artifact: { commit },
      kind: "test" as const,
      name: "unit",
      status: "failed" as const,
    });
    await recordEvidence(deps, { items: [item(COMMIT.slice(0, 12))], batch: false });
    expect(events).toEqual([{ type: "artifact_changed", digests: [a, b].sort() }]);
    // Seven hex characters are ambiguous across repositories: they stand for no longer commit.
    events.length = 0;
    await recordEvidence(deps, { items: [item(COMMIT.slice(0, 7))], batch: false });
    expect(events).toEqual([]);
  });

  it("publishes nothing for a duplicate delivery, and nothing when a batch is refused", async () => {
    const digest = digestOf("d");
    const item = {
      artifact: { name: "api", digest },
      kind: "test" as const,
      name: "unit",
      status: "passed" as const,
    };
    await recordEvidence(deps, { items: [item], batch: false, delivery: { key: "k" } });
    events.length = 0;
    expect(await recordEvidence(deps, { items: [item], batch: false, delivery: { key: "k" } })).toMatchObject(
      {
        duplicate: true,
        stored: 0,
      },
    );
    const conflicting = { ...item, artifact: { name: "web", digest } };
    await expect(recordEvidence(deps, { items: [item, conflicting], batch: true })).rejects.toMatchObject({
      code: "artifact_conflict",
    });
    expect(events).toEqual([]);
    expect(stores.evidence.evidenceFor({ digest })).toHaveLength(1);
  });

  it("records deployments and snapshots and announces them", async () => {
    const digest = digestOf("dep");
    await recordDeployment(deps, {
      deployment: { environment: "prod", artifact: { name: "api", digest }, status: "succeeded" },
    });
    await recordSnapshot(deps, {
      snapshot: { environment: "prod", configJson: '{"security":{"mtls":true}}' },
    });
    expect(stores.deployments.currentlyRunning("prod")).toMatchObject({ digest, deployedAt: NOW });
    expect(stores.snapshots.newestSnapshot("prod")).toMatchObject({
      takenAt: NOW,
      config: { security: { mtls: true } },
    });
    expect(events).toEqual([
      { type: "artifact_changed", digests: [digest] },
      { type: "environment_changed", environment: "prod" },
      { type: "environment_changed", environment: "prod" },
    ]);
  });
});
