/**
 * An artifact's evidence history (rollback watching reads it) is found through an index on a
 * 16-character prefix of the digest (migration 0007), so rows must still be matched exactly.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createEvidenceStore,
  digestParams,
  HISTORY_BY_DIGEST,
} from "../../../src/adapters/sqlite/evidence-store.js";
import { defaultMigrationsDir, migrate } from "../../../src/adapters/sqlite/migrate.js";
import { openDatabase } from "../../../src/adapters/sqlite/open-database.js";
import { createStores, type Stores } from "../../../src/adapters/sqlite/stores.js";
import { NOW } from "../../helpers/readiness-facts.js";
import { createTestDb, type TestDb } from "../../helpers/test-db.js";

// Two digests that share the 16 hex characters the index holds, and one that does not.
const SHARED = "4f2a9c0e51b7d3a8";
const FIRST = `sha256:${SHARED}${"1".repeat(48)}`;
const SECOND = `sha256:${SHARED}${"2".repeat(48)}`;
const OTHER = `sha256:${"e".repeat(64)}`;

function report(
  stores: { evidence: Pick<Stores["evidence"], "insert"> },
  digest: string,
  name: string,
  minute: number,
): void {
  stores.evidence.insert({
    digest,
    commit: undefined,
    kind: "test",
    name,
    status: "passed",
    environment: "staging",
    summaryJson: "{}",
    observedAt: new Date(NOW.getTime() + minute * 60_000),
    receivedAt: NOW,
  });
}

function registerAll(stores: Pick<Stores, "artifacts">): void {
  for (const [i, digest] of [FIRST, SECOND, OTHER].entries()) {
    stores.artifacts.register({ name: `service-${i}`, digest }, NOW);
  }
}

describe("an artifact's evidence history", () => {
  let t: TestDb | undefined;
  afterEach(() => {
    t?.cleanup();
    t = undefined;
  });

  it("holds that digest's rows only, in arrival order, even beside a digest with the same prefix", () => {
    t = createTestDb();
    const stores = createStores(t.db);
    registerAll(stores);
    report(stores, SECOND, "e2e", 5);
    report(stores, FIRST, "unit", 3);
    report(stores, OTHER, "unit", 1);
    report(stores, FIRST, "e2e", 1);
    report(stores, SECOND, "unit", 2);
    const names = (digest: string) =>
      stores.evidence.evidenceFor({ digest }).map((e) => `${e.digest}/${e.name}`);
    expect(names(FIRST)).toEqual([`${FIRST}/unit`, `${FIRST}/e2e`]);
    expect(names(SECOND)).toEqual([`${SECOND}/e2e`, `${SECOND}/unit`]);
    expect(names(OTHER)).toEqual([`${OTHER}/unit`]);
    // With the commit too (the commit-scoped rows join in): still only this digest's own rows.
    expect(stores.evidence.evidenceFor({ digest: FIRST, commit: "9fceb02d0ae5" }).map((e) => e.name)).toEqual(
      ["unit", "e2e"],
    );
  });

  it("is read through the prefix index, already in order", () => {
    t = createTestDb();
    const plan = t.db.prepare(`EXPLAIN QUERY PLAN ${HISTORY_BY_DIGEST}`).all(...digestParams(FIRST)) as {
      detail: string;
    }[];
    expect(plan.map((step) => step.detail)).toEqual([
      "SEARCH evidence USING INDEX evidence_by_digest_prefix (<expr>=?)",
    ]);
  });

  it("is the same after migration 0007 replaces the index on a database that already has evidence", () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-migrations-"));
    t = createTestDb();
    try {
      t.db.close();
      rmSync(t.path);
      for (const file of readdirSync(defaultMigrationsDir()).filter((f) => f < "0007")) {
        cpSync(join(defaultMigrationsDir(), file), join(dir, file));
      }
      const db = openDatabase(t.path);
      migrate(db, dir);
      // The database as the code before 0007 left it: artifacts written as that code wrote them
      // (today's artifact store needs migration 0008), evidence through the evidence store.
      const insertArtifact = db.prepare(
        "INSERT INTO artifacts (digest, name, first_seen_at) VALUES (?, ?, ?)",
      );
      for (const [i, digest] of [FIRST, SECOND, OTHER].entries())
        insertArtifact.run(digest, `service-${i}`, NOW.getTime());
      const before = { evidence: createEvidenceStore(db) };
      report(before, FIRST, "unit", 1);
      report(before, SECOND, "unit", 2);
      report(before, FIRST, "e2e", 3);
      const history = before.evidence.evidenceFor({ digest: FIRST });
      migrate(db);
      const indexes = db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'evidence' ORDER BY name",
        )
        .pluck()
        .all();
      expect(indexes).toContain("evidence_by_digest_prefix");
      expect(indexes).not.toContain("evidence_by_digest");
      expect(createStores(db).evidence.evidenceFor({ digest: FIRST })).toEqual(history);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
