import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEvidenceStore } from "../../../src/adapters/sqlite/evidence-store.js";
import { createLatestEvidenceStore } from "../../../src/adapters/sqlite/latest-evidence-store.js";
import { defaultMigrationsDir, migrate } from "../../../src/adapters/sqlite/migrate.js";
import { openDatabase } from "../../../src/adapters/sqlite/open-database.js";
import { createStores, type Stores } from "../../../src/adapters/sqlite/stores.js";
import type { Contract } from "../../../src/domain/contract.js";
import { evaluateContract } from "../../../src/domain/evaluate-contract.js";
import { EVIDENCE_STATUSES, type EvidenceStatus } from "../../../src/domain/evidence.js";
import { aContract, anArtifact, COMMIT, DIGEST, NOW, someFacts } from "../../helpers/readiness-facts.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";

let db: TestDb;
let stores: Stores;

beforeEach(() => {
  db = createTestDb();
  stores = createStores(db.db);
  stores.artifacts.register({ name: "checkout-api", digest: DIGEST, commit: COMMIT }, NOW);
});
afterEach(() => db.cleanup());

interface Row {
  scope: "digest" | "commit" | "short";
  name: "unit" | "e2e";
  environment: "staging" | undefined;
  status: EvidenceStatus;
  minute: number;
}

function insert(target: { evidence: Pick<Stores["evidence"], "insert"> }, row: Row): void {
  target.evidence.insert({
    digest: row.scope === "digest" ? DIGEST : undefined,
    commit: row.scope === "digest" ? COMMIT : row.scope === "commit" ? COMMIT : COMMIT.slice(0, 9),
    kind: "test",
    name: row.name,
    status: row.status,
    environment: row.environment,
    summaryJson: JSON.stringify({ total: row.minute }),
    observedAt: new Date(NOW.getTime() - row.minute * 60_000),
    receivedAt: NOW,
  });
}

const row: fc.Arbitrary<Row> = fc.record({
  scope: fc.constantFrom("digest", "commit", "short"),
  name: fc.constantFrom("unit", "e2e"),
  environment: fc.constantFrom("staging", undefined),
  status: fc.constantFrom(...EVIDENCE_STATUSES),
  minute: fc.integer({ min: 0, max: 5 }),
});

const contract: Contract = aContract({
  evidence: [
    { kind: "test", name: "unit" },
    { kind: "test", name: "e2e", environment: "staging", minTotal: 2 },
    { kind: "test" },
  ],
});

describe("latest evidence", () => {
  it("gives the same verdict as the whole history, for any order of reports", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 25 }), (rows) => {
        db.db.exec("DELETE FROM evidence_latest; DELETE FROM evidence;");
        for (const r of rows) insert(stores, r);
        const artifact = anArtifact();
        const latest = createLatestEvidenceStore(db.db).latestEvidenceFor(artifact);
        const all = stores.evidence.evidenceFor(artifact);
        expect(latest.length).toBeLessThanOrEqual(all.length);
        const verdict = (evidence: typeof all) =>
          evaluateContract(contract, someFacts({ artifact, evidence }), NOW).checks;
        expect(verdict(latest)).toEqual(verdict(all));
      }),
      { numRuns: 60 },
    );
  });

  it("keeps one row per scope, kind, name and environment: the newest, ties by arrival", () => {
    insert(stores, { scope: "digest", name: "e2e", environment: undefined, status: "passed", minute: 1 });
    insert(stores, { scope: "digest", name: "e2e", environment: undefined, status: "failed", minute: 1 });
    insert(stores, { scope: "digest", name: "e2e", environment: undefined, status: "running", minute: 3 });
    insert(stores, { scope: "commit", name: "e2e", environment: undefined, status: "passed", minute: 0 });
    const latest = createLatestEvidenceStore(db.db).latestEvidenceFor(anArtifact());
    expect(latest.map((e) => [e.digest === undefined ? "commit" : "digest", e.status])).toEqual([
      ["digest", "failed"],
      ["commit", "passed"],
    ]);
  });

  it("migration 0005 fills the table from evidence stored before it", () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-migrations-"));
    const early = createTestDb();
    try {
      early.db.close();
      rmSync(early.path);
      for (const file of [
        "0001_init.sql",
        "0002_slack_cards_outbox.sql",
        "0003_promotions.sql",
        "0004_drift.sql",
      ]) {
        cpSync(join(defaultMigrationsDir(), file), join(dir, file));
      }
      const old = openDatabase(early.path);
      migrate(old, dir);
      // The stores of the code before 0005: only the tables that existed then.
      // (today's artifact store needs migration 0008, so the artifact is written as that code did.)
      const oldStores = { evidence: createEvidenceStore(old) };
      old
        .prepare("INSERT INTO artifacts (digest, name, commit_sha, first_seen_at) VALUES (?, ?, ?, ?)")
        .run(DIGEST, "checkout-api", COMMIT, NOW.getTime());
      insert(oldStores, {
        scope: "digest",
        name: "unit",
        environment: undefined,
        status: "failed",
        minute: 2,
      });
      insert(oldStores, {
        scope: "digest",
        name: "unit",
        environment: undefined,
        status: "passed",
        minute: 1,
      });
      migrate(old);
      const latest = createLatestEvidenceStore(old).latestEvidenceFor(anArtifact());
      expect(latest.map((e) => e.status)).toEqual(["passed"]);
      old.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      early.cleanup();
    }
  });
});
