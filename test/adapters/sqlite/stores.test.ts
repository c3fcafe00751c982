import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLatestEvidenceStore } from "../../../src/adapters/sqlite/latest-evidence-store.js";
import { createStores, type Stores } from "../../../src/adapters/sqlite/stores.js";
import { isCodedError } from "../../../src/errors.js";
import type { IntakeTx } from "../../../src/flows/intake-ports.js";
import { digestOf } from "../../helpers/test-app.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";

const COMMIT = "9fceb02d0ae598e95dc970b74767f19372d61af8";
const at = (iso: string) => new Date(iso);
const row = (patch: Partial<Parameters<IntakeTx["insertEvidence"]>[0]>) => ({
  kind: "test" as const,
  name: "e2e",
  status: "passed" as const,
  summaryJson: "{}",
  observedAt: at("2026-11-27T10:00:00Z"),
  receivedAt: at("2026-11-27T10:00:00Z"),
  ...patch,
});

describe("SQLite stores", () => {
  let t: TestDb;
  let stores: Stores;
  beforeEach(() => {
    t = createTestDb();
    stores = createStores(t.db);
  });
  afterEach(() => t.cleanup());

  it("keeps a digest's name and commit, filling in what was missing", () => {
    const digest = digestOf("a");
    stores.artifacts.register({ name: "api", digest }, at("2026-11-01T00:00:00Z"));
    expect(
      stores.artifacts.register({ name: "api", digest, commit: "9fceb02", version: "1.0.0" }, new Date())
        .commit,
    ).toBe("9fceb02");
    // A longer spelling of the same commit is the same commit, and the fuller one is kept.
    expect(stores.artifacts.register({ name: "api", digest, commit: COMMIT }, new Date()).commit).toBe(
      COMMIT,
    );
    expect(stores.artifacts.getArtifact(digest)).toMatchObject({
      name: "api",
      commit: COMMIT,
      version: "1.0.0",
      firstSeenAt: at("2026-11-01T00:00:00Z"),
    });
    for (const claim of [
      { name: "web", digest },
      { name: "api", digest, commit: "1234567" },
    ]) {
      try {
        stores.artifacts.register(claim, new Date());
        expect.unreachable();
      } catch (error) {
        expect(isCodedError(error, "artifact_conflict")).toBe(true);
      }
    }
  });

  it("finds artifacts by digest prefix, name and version, newest first", () => {
    const [d1, d2] = [digestOf("1"), digestOf("2")];
    stores.artifacts.register({ name: "api", digest: d1, version: "1.0.0" }, at("2026-11-01T00:00:00Z"));
    stores.artifacts.register({ name: "api", digest: d2, version: "1.1.0" }, at("2026-11-02T00:00:00Z"));
    expect(
      stores.artifacts
        .findArtifacts({ kind: "digest", digestPrefix: d1.slice(0, 19) }, 5)
        .map((a) => a.digest),
    ).toEqual([d1]);
    expect(
      stores.artifacts.findArtifacts({ kind: "name_digest", name: "web", digestPrefix: d1.slice(0, 19) }, 5),
    ).toEqual([]);
    expect(
      stores.artifacts
        .findArtifacts({ kind: "name_version", name: "api", version: "1.1.0" }, 5)
        .map((a) => a.digest),
    ).toEqual([d2]);
    expect(stores.artifacts.artifactsNamed("api", 5).map((a) => a.digest)).toEqual([d2, d1]);
    expect(stores.artifacts.listArtifacts({ limit: 1, offset: 1 }).map((a) => a.digest)).toEqual([d1]);
  });

  it("finds a digest by every version it was reported with, and keeps the first on the artifact", () => {
    const [rc, other] = [digestOf("3"), digestOf("4")];
    // Tested as a release candidate, released as 1.4.2 without a rebuild.
    stores.artifacts.register({ name: "api", digest: rc, version: "1.4.2-rc.1" }, at("2026-11-01T00:00:00Z"));
    stores.artifacts.register({ name: "api", digest: rc, version: "1.4.2" }, at("2026-11-03T00:00:00Z"));
    stores.artifacts.register({ name: "api", digest: rc, version: "1.4.2" }, at("2026-11-04T00:00:00Z"));
    const byVersion = (version: string) =>
      stores.artifacts.findArtifacts({ kind: "name_version", name: "api", version }, 5).map((a) => a.digest);
    expect(byVersion("1.4.2-rc.1")).toEqual([rc]);
    expect(byVersion("1.4.2")).toEqual([rc]);
    expect(stores.artifacts.getArtifact(rc)?.version).toBe("1.4.2-rc.1");
    // A digest first reported without a version takes the first one it is given.
    stores.artifacts.register({ name: "api", digest: other }, at("2026-11-02T00:00:00Z"));
    stores.artifacts.register({ name: "api", digest: other, version: "1.4.2" }, at("2026-11-05T00:00:00Z"));
    expect(stores.artifacts.getArtifact(other)?.version).toBe("1.4.2");
    // Two digests labelled alike: the most recently labelled first, so a reference is ambiguous.
    expect(byVersion("1.4.2")).toEqual([other, rc]);
    // Another name for the digest is still a conflict, whatever the version.
    expect(() =>
      stores.artifacts.register({ name: "web", digest: rc, version: "9.9.9" }, new Date()),
    ).toThrowError(/never changes its name/);
    expect(
      stores.artifacts.findArtifacts({ kind: "name_version", name: "web", version: "9.9.9" }, 5),
    ).toEqual([]);
  });

  it("returns digest-scoped and commit-scoped evidence, abbreviated either way from 12 hex", () => {
    const digest = digestOf("built");
    stores.evidence.insert(row({ commit: COMMIT.slice(0, 7), name: "short" }));
    stores.evidence.insert(row({ commit: COMMIT.slice(0, 11), name: "eleven" }));
    stores.evidence.insert(row({ commit: COMMIT.slice(0, 12), name: "twelve" }));
    stores.evidence.insert(row({ commit: COMMIT, name: "full" }));
    stores.evidence.insert(row({ commit: "1111111", name: "other-commit" }));
    stores.artifacts.register({ name: "api", digest, commit: COMMIT.slice(0, 12) }, new Date());
    stores.evidence.insert(row({ digest, commit: COMMIT.slice(0, 12), name: "own" }));
    stores.artifacts.register({ name: "api", digest: digestOf("elsewhere"), commit: COMMIT }, new Date());
    stores.evidence.insert(row({ digest: digestOf("elsewhere"), commit: COMMIT, name: "other-digest" }));
    const latest = createLatestEvidenceStore(t.db);
    const both = (artifact: { digest: string; commit: string }) => {
      const names = stores.evidence.evidenceFor(artifact).map((e) => e.name);
      expect(
        latest
          .latestEvidenceFor(artifact)
          .map((e) => e.name)
          .sort(),
      ).toEqual([...names].sort());
      return names;
    };
    expect(both({ digest, commit: COMMIT.slice(0, 12) })).toEqual(["twelve", "full", "own"]);
    expect(both({ digest: digestOf("x"), commit: COMMIT })).toEqual(["twelve", "full"]);
    // A 7-hex commit (another repository may have one starting the same) matches itself only.
    expect(both({ digest: digestOf("x"), commit: COMMIT.slice(0, 7) })).toEqual(["short"]);
    expect(stores.artifacts.digestsBuiltFrom(COMMIT.slice(0, 12)).sort()).toEqual(
      [digest, digestOf("elsewhere")].sort(),
    );
    expect(stores.artifacts.digestsBuiltFrom(COMMIT.slice(0, 7))).toEqual([]);
  });

  it("knows what runs where: the latest succeeded deployment", () => {
    const [d1, d2] = [digestOf("1"), digestOf("2")];
    for (const d of [d1, d2]) stores.artifacts.register({ name: "api", digest: d }, new Date());
    const deploy = (digest: string, status: "started" | "succeeded" | "failed", iso: string) =>
      stores.deployments.insert({
        environment: "prod",
        digest,
        status,
        deployedAt: at(iso),
        receivedAt: new Date(),
      });
    deploy(d1, "succeeded", "2026-11-01T00:00:00Z");
    deploy(d2, "started", "2026-11-02T00:00:00Z");
    deploy(d2, "failed", "2026-11-02T00:05:00Z");
    expect(stores.deployments.currentlyRunning("prod")).toMatchObject({
      digest: d1,
      name: "api",
      status: "succeeded",
    });
    deploy(d2, "succeeded", "2026-11-03T00:00:00Z");
    expect(stores.deployments.currentlyRunning("prod")?.digest).toBe(d2);
    expect(stores.deployments.latestSuccessOf(d1, "prod")?.deployedAt).toEqual(at("2026-11-01T00:00:00Z"));
    expect(stores.deployments.deploymentsIn("prod", at("2026-11-02T00:00:00Z")).map((d) => d.status)).toEqual(
      ["started", "failed", "succeeded"],
    );
    expect(stores.deployments.currentlyRunning("staging")).toBeUndefined();
  });

  it("returns the newest snapshot by taken_at", () => {
    const snap = (iso: string, value: number) =>
      stores.snapshots.insert({
        environment: "prod",
        configJson: JSON.stringify({ data: { rows: value } }),
        takenAt: at(iso),
        receivedAt: new Date(),
      });
    snap("2026-11-02T00:00:00Z", 2);
    snap("2026-11-01T00:00:00Z", 1);
    expect(stores.snapshots.newestSnapshot("prod")?.config).toEqual({ data: { rows: 2 } });
  });

  it("group commit: one request's error rolls back that request alone", async () => {
    const digest = digestOf("g");
    const ok = stores.intake.commit((tx) => {
      tx.registerArtifact({ name: "api", digest }, new Date());
      return tx.insertEvidence(row({ digest }));
    });
    const conflicting = stores.intake.commit((tx) => {
      tx.insertEvidence(row({ commit: COMMIT, name: "written-then-undone" }));
      tx.registerArtifact({ name: "web", digest }, new Date());
    });
    const later = stores.intake.commit((tx) => tx.insertEvidence(row({ commit: COMMIT, name: "kept" })));
    await expect(ok).resolves.toMatch(/^ev_/);
    await expect(conflicting).rejects.toMatchObject({ code: "artifact_conflict" });
    await expect(later).resolves.toMatch(/^ev_/);
    const names = t.db.prepare("SELECT name FROM evidence ORDER BY seq").pluck().all();
    expect(names).toEqual(["e2e", "kept"]);
  });

  it("reads through indexes, never a table scan", () => {
    const plans = [
      "SELECT * FROM evidence WHERE substr(digest, 8, 16) = '4f2a9c0e51b7d3a8' AND digest = 'x' ORDER BY seq",
      "SELECT * FROM evidence WHERE digest IS NULL AND commit_sha >= 'a' AND commit_sha < 'ag'",
      "SELECT * FROM evidence WHERE digest IS NULL AND commit_sha IN (SELECT value FROM json_each('[\"abcdef1\"]'))",
      "SELECT * FROM deployments WHERE environment = 'prod' AND status = 'succeeded' ORDER BY deployed_at DESC, seq DESC LIMIT 1",
      "SELECT * FROM deployments WHERE digest = 'x' AND environment = 'prod' AND status = 'succeeded' ORDER BY deployed_at DESC, seq DESC LIMIT 1",
      "SELECT * FROM snapshots WHERE environment = 'prod' ORDER BY taken_at DESC, seq DESC LIMIT 1",
      "SELECT * FROM artifacts WHERE digest >= 'sha256:ab' AND digest < 'sha256:abg'",
      "SELECT * FROM artifacts WHERE commit_sha >= 'a' AND commit_sha < 'ag'",
      "SELECT * FROM evidence_latest WHERE scope >= 'a' AND scope < 'ag'",
      "SELECT * FROM evidence_latest WHERE scope IN (SELECT value FROM json_each('[\"abcdef1\"]'))",
      "SELECT * FROM artifacts ORDER BY first_seen_at DESC LIMIT 10",
      "SELECT result_id FROM deliveries WHERE route = 'evidence' AND delivery_key = 'k'",
      "SELECT a.* FROM artifact_versions v JOIN artifacts a ON a.digest = v.digest WHERE v.name = 'api' AND v.version = '1.4.2'",
    ];
    for (const sql of plans) {
      const detail = t.db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((r) => (r as { detail: string }).detail);
      // A plain "SCAN <table>" (no index) reads every row.
      expect(
        detail.filter((d) =>
          /^SCAN (evidence|evidence_latest|deployments|snapshots|artifacts|artifact_versions|deliveries|[av])$/.test(
            d,
          ),
        ),
        sql,
      ).toEqual([]);
      // "Newest" lookups must walk an index backwards, not sort the environment's whole history.
      if (sql.includes("LIMIT")) expect(detail.join("; "), sql).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    }
  });
});
