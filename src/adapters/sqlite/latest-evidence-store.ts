/**
 * The evidence a verdict needs (flows/ports.ts LatestEvidenceReader): only the newest row per
 * (digest or commit, kind, name, environment), found through `evidence_latest` (migration 0005),
 * which a trigger keeps current. Commit-scoped rows match as in the evidence store: exactly, or
 * by an abbreviation of at least 12 hex characters (commit-scope.ts). The trigger stores the
 * commit as reported and matches nothing, so it needs no change.
 */
import type { Artifact } from "../../domain/artifact.js";
import type { Evidence } from "../../domain/evidence.js";
import type { LatestEvidenceReader } from "../../flows/ports.js";
import { commitScopeParams } from "./commit-scope.js";
import { type EvidenceRow, toEvidence } from "./evidence-store.js";
import type { Db } from "./open-database.js";

const SELECT = `SELECT e.seq, e.id, e.digest, e.commit_sha, e.kind, e.name, e.status, e.environment, e.summary,
  e.url, e.observed_at FROM evidence_latest l JOIN evidence e ON e.seq = l.seq`;

export function createLatestEvidenceStore(db: Db): LatestEvidenceReader {
  const byDigest = db.prepare<[string], EvidenceRow>(`${SELECT} WHERE l.scope = ?`);
  // NOTE: a commit scope is a commit only when no artifact has that digest spelling; digests start
  // with "sha256:", commits are hex, so the two kinds of scope never collide.
  const byDigestAndCommit = db.prepare<[string, string, string, string], EvidenceRow>(
    `${SELECT} WHERE l.scope = ?
     UNION ALL ${SELECT} WHERE l.scope >= ? AND l.scope < ?
     UNION ALL ${SELECT} WHERE l.scope IN (SELECT value FROM json_each(?))`,
  );
  return {
    latestEvidenceFor(artifact: Pick<Artifact, "digest" | "commit">): Evidence[] {
      const { digest, commit } = artifact;
      const rows =
        commit === undefined
          ? byDigest.all(digest)
          : byDigestAndCommit.all(digest, ...commitScopeParams(commit));
      return rows.map(toEvidence);
    },
  };
}
