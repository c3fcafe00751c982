/**
 * Fills a database with `rows` evidence rows for the scale figure of bench/ingest. One big
 * transaction of direct INSERTs, with synchronous=OFF on this connection only: the rows are test
 * fixtures, not promises made to a client.
 */
import { createHash } from "node:crypto";
import { migrate } from "../src/adapters/sqlite/migrate.js";
import { newId } from "../src/adapters/sqlite/new-id.js";
import { openDatabase } from "../src/adapters/sqlite/open-database.js";

export const PREFILL_ARTIFACTS = 20_000;
const KINDS = ["test", "scan", "sbom", "signature", "provenance", "review", "health", "custom"];

export function benchDigest(i: number): string {
  return `sha256:${createHash("sha256").update(`artifact-${i}`).digest("hex")}`;
}

export function benchCommit(i: number): string {
  return createHash("sha1").update(`commit-${i}`).digest("hex");
}

export function prefill(path: string, rows: number): void {
  const db = openDatabase(path);
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -262144");
  migrate(db);
  const start = Date.now() - rows;
  const artifact = db.prepare(
    "INSERT INTO artifacts (digest, name, version, commit_sha, first_seen_at) VALUES (?, ?, ?, ?, ?)",
  );
  const evidenceSql = `INSERT INTO evidence (id, digest, commit_sha, kind, name, status, environment,
    summary, observed_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
  const digests = Array.from({ length: PREFILL_ARTIFACTS }, (_, i) => benchDigest(i));
  const commits = Array.from({ length: PREFILL_ARTIFACTS }, (_, i) => benchCommit(i));
  const summary = '{"total":412,"passed":410,"failed":0,"skipped":2}';
  // Secondary indexes are rebuilt in one sort afterwards: much faster than a million random inserts.
  const indexes = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'evidence' AND sql IS NOT NULL",
    )
    .all() as { name: string; sql: string }[];
  db.transaction(() => {
    for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);
    const evidence = db.prepare(evidenceSql);
    for (let i = 0; i < PREFILL_ARTIFACTS; i++) {
      artifact.run(digests[i], `service-${i % 200}`, `1.0.${i}`, commits[i], start);
    }
    for (let i = 0; i < rows; i++) {
      const a = i % PREFILL_ARTIFACTS;
      const at = start + i;
      const kind = KINDS[i % KINDS.length] as string;
      const status = i % 17 === 0 ? "failed" : "passed";
      evidence.run(
        newId("ev", at),
        digests[a],
        commits[a],
        kind,
        `suite-${i % 50}`,
        status,
        "staging",
        summary,
        at,
        at,
      );
    }
    for (const index of indexes) db.exec(index.sql);
  })();
  db.close();
}
