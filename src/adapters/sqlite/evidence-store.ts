/**
 * Evidence rows (SPEC §3.1). Commit-scoped rows (no digest) count for every artifact built from
 * that commit, so reading an artifact's evidence joins both scopes; abbreviated commits match
 * their full spelling in either direction.
 */
import type { Artifact } from "../../domain/artifact.js";
import type { Evidence, EvidenceKind, EvidenceStatus } from "../../domain/evidence.js";
import type { NewEvidenceRow } from "../../flows/intake-ports.js";
import type { EvidenceReader } from "../../flows/ports.js";
import { commitAbbreviations, hexPrefixEnd, newId } from "./new-id.js";
import type { Db } from "./open-database.js";

interface EvidenceRow {
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

export interface EvidenceStore extends EvidenceReader {
  insert(row: NewEvidenceRow): string;
}

export function createEvidenceStore(db: Db): EvidenceStore {
  const insert = db.prepare(`INSERT INTO evidence (id, digest, commit_sha, kind, name, status, environment,
    summary, url, details, observed_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const byDigest = db.prepare<[string], EvidenceRow>(
    `SELECT ${COLUMNS} FROM evidence WHERE digest = ? ORDER BY seq`,
  );
  const byDigestAndCommit = db.prepare<[string, string, string, string], EvidenceRow>(
    `SELECT ${COLUMNS} FROM evidence WHERE digest = ?
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
          ? byDigest.all(digest)
          : byDigestAndCommit.all(
              digest,
              commit,
              hexPrefixEnd(commit),
              JSON.stringify(commitAbbreviations(commit)),
            );
      return rows.map(toEvidence);
    },
  };
}

function toEvidence(row: EvidenceRow): Evidence {
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
