/**
 * Evidence rows (SPEC §3.1). Commit-scoped rows (no digest) count for every artifact built from
 * that commit, so reading an artifact's evidence joins both scopes; an abbreviated commit matches
 * its full spelling in either direction only when it has at least 12 hex characters
 * (commit-scope.ts), so a 7-character abbreviation credits exactly that spelling.
 */
import type { Artifact } from "../../domain/artifact.js";
import type { Evidence, EvidenceKind, EvidenceStatus } from "../../domain/evidence.js";
import type { NewEvidenceRow } from "../../flows/intake-ports.js";
import type { EvidenceReader } from "../../flows/ports.js";
import { commitScopeParams } from "./commit-scope.js";
import { newId } from "./new-id.js";
import type { Db } from "./open-database.js";

export interface EvidenceRow {
  seq: number;
  id: string;
  digest: string | null;
  commit_sha: string | null;
  kind: EvidenceKind;
  name: string;
  status: EvidenceStatus;
  environment: string | null;
  summary: string;
  url: string | null;
  observed_at: number;
}

const COLUMNS = "seq, id, digest, commit_sha, kind, name, status, environment, summary, url, observed_at";

/**
 * One digest's rows, through `evidence_by_digest_prefix` (migration 0007): the index holds the 16
 * characters after "sha256:", the full digest is compared on the rows it finds. Bound to
 * `digestParams(digest)`.
 */
const DIGEST_IS = "substr(digest, 8, 16) = ? AND digest = ?";
export const digestParams = (digest: string): [string, string] => [digest.slice(7, 23), digest];
/** An artifact's whole history by digest, oldest first; exported so a test can check its plan. */
export const HISTORY_BY_DIGEST = `SELECT ${COLUMNS} FROM evidence WHERE ${DIGEST_IS} ORDER BY seq`;

export interface EvidenceStore extends EvidenceReader {
  insert(row: NewEvidenceRow): string;
}

export function createEvidenceStore(db: Db): EvidenceStore {
  const insert = db.prepare(`INSERT INTO evidence (id, digest, commit_sha, kind, name, status, environment,
    summary, url, details, observed_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const byDigest = db.prepare<[string, string], EvidenceRow>(HISTORY_BY_DIGEST);
  const byDigestAndCommit = db.prepare<[string, string, string, string, string], EvidenceRow>(
    `SELECT ${COLUMNS} FROM evidence WHERE ${DIGEST_IS}
     UNION ALL SELECT ${COLUMNS} FROM evidence WHERE digest IS NULL AND commit_sha >= ? AND commit_sha < ?
     UNION ALL SELECT ${COLUMNS} FROM evidence WHERE digest IS NULL
       AND commit_sha IN (SELECT value FROM json_each(?))
     ORDER BY seq`,
  );
  return {
    insert(row) {
      const id = newId("ev", row.receivedAt.getTime());
      insert.run(
        id,
        row.digest ?? null,
        row.commit ?? null,
        row.kind,
        row.name,
        row.status,
        row.environment ?? null,
        row.summaryJson,
        row.url ?? null,
        row.detailsJson ?? null,
        row.observedAt.getTime(),
        row.receivedAt.getTime(),
      );
      return id;
    },
    evidenceFor(artifact: Pick<Artifact, "digest" | "commit">): Evidence[] {
      const { digest, commit } = artifact;
      const rows =
        commit === undefined
          ? byDigest.all(...digestParams(digest))
          : byDigestAndCommit.all(...digestParams(digest), ...commitScopeParams(commit));
      return rows.map(toEvidence);
    },
  };
}

export function toEvidence(row: EvidenceRow): Evidence {
  return {
    id: row.id,
    digest: row.digest ?? undefined,
    commit: row.commit_sha ?? undefined,
    kind: row.kind,
    name: row.name,
    status: row.status,
    environment: row.environment ?? undefined,
    summary: JSON.parse(row.summary) as Record<string, number>,
    url: row.url ?? undefined,
    observedAt: new Date(row.observed_at),
    sequence: row.seq,
  };
}
