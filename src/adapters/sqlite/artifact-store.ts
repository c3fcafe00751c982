/**
 * Artifacts by digest (SPEC §2). A digest is immutable: once recorded, its name and commit never
 * change, and a claim that disagrees is refused with `artifact_conflict`. Its version may grow:
 * every version it is reported with resolves `name@version` (artifact_versions).
 */
import type { Artifact, ArtifactRef } from "../../domain/artifact.js";
import { shortDigest } from "../../domain/artifact.js";
import { CodedError } from "../../errors.js";
import type { KnownArtifactClaim } from "../../flows/intake-ports.js";
import type { ArtifactReader } from "../../flows/ports.js";
import { commitScopeParams } from "./commit-scope.js";
import { hexPrefixEnd } from "./new-id.js";
import type { Db } from "./open-database.js";

interface ArtifactRow {
  digest: string;
  name: string;
  version: string | null;
  commit_sha: string | null;
  repository: string | null;
  url: string | null;
  first_seen_at: number;
}

const COLUMNS = "digest, name, version, commit_sha, repository, url, first_seen_at";

export interface ArtifactStore extends ArtifactReader {
  register(claim: KnownArtifactClaim, at: Date): { commit: string | undefined };
  digestsBuiltFrom(commit: string): string[];
}

export function createArtifactStore(db: Db): ArtifactStore {
  const byDigest = db.prepare<[string], ArtifactRow>(`SELECT ${COLUMNS} FROM artifacts WHERE digest = ?`);
  const byPrefix = db.prepare<[string, string, number], ArtifactRow>(
    `SELECT ${COLUMNS} FROM artifacts WHERE digest >= ? AND digest < ? ORDER BY first_seen_at DESC LIMIT ?`,
  );
  // Any version the digest was reported with (migration 0008), newest label first.
  const byVersion = db.prepare<[string, string, number], ArtifactRow>(
    `SELECT ${COLUMNS.replace(/(\w+)/g, "a.$1")} FROM artifact_versions v JOIN artifacts a ON a.digest = v.digest
     WHERE v.name = ? AND v.version = ? ORDER BY v.first_seen_at DESC, a.first_seen_at DESC LIMIT ?`,
  );
  const addVersion = db.prepare(
    "INSERT OR IGNORE INTO artifact_versions (name, version, digest, first_seen_at) VALUES (?, ?, ?, ?)",
  );
  const byName = db.prepare<[string, number], ArtifactRow>(
    `SELECT ${COLUMNS} FROM artifacts WHERE name = ? ORDER BY first_seen_at DESC LIMIT ?`,
  );
  const all = db.prepare<[number, number], ArtifactRow>(
    `SELECT ${COLUMNS} FROM artifacts ORDER BY first_seen_at DESC LIMIT ? OFFSET ?`,
  );
  const insert = db.prepare(
    `INSERT INTO artifacts (${COLUMNS}) VALUES (@digest, @name, @version, @commit, @repository, @url, @at)`,
  );
  const fill = db.prepare(`UPDATE artifacts SET commit_sha = @commit, version = coalesce(version, @version),
    repository = coalesce(repository, @repository), url = coalesce(url, @url) WHERE digest = @digest`);
  const builtFrom = db.prepare<[string, string, string], { digest: string }>(
    `SELECT digest FROM artifacts WHERE commit_sha >= ? AND commit_sha < ?
     UNION SELECT digest FROM artifacts WHERE commit_sha IN (SELECT value FROM json_each(?))`,
  );

  const named = (name: string, limit: number) => byName.all(name, limit).map(toArtifact);
  return {
    getArtifact: (digest) => {
      const row = byDigest.get(digest);
      return row === undefined ? undefined : toArtifact(row);
    },
    findArtifacts(ref: ArtifactRef, limit: number): Artifact[] {
      if (ref.kind === "name") return named(ref.name, limit);
      if (ref.kind === "name_version") return byVersion.all(ref.name, ref.version, limit).map(toArtifact);
      const rows = byPrefix.all(
        ref.digestPrefix,
        hexPrefixEnd(ref.digestPrefix),
        ref.kind === "digest" ? limit : 1000,
      );
      const matching = ref.kind === "digest" ? rows : rows.filter((row) => row.name === ref.name);
      return matching.slice(0, limit).map(toArtifact);
    },
    artifactsNamed: named,
    listArtifacts: ({ limit, offset = 0 }) => all.all(limit, offset).map(toArtifact),
    register(claim, at) {
      const row = byDigest.get(claim.digest);
      if (row === undefined) {
        insert.run({ ...nulls(claim), digest: claim.digest, name: claim.name, at: at.getTime() });
        return { commit: claim.commit };
      }
      const conflict = conflictWith(row, claim);
      if (conflict !== undefined) throw new CodedError("artifact_conflict", conflict);
      const commit = longer(row.commit_sha ?? undefined, claim.commit);
      if (fillsGap(row, claim, commit))
        fill.run({ ...nulls(claim), digest: claim.digest, commit: commit ?? null });
      // A digest keeps its first version on the card; another one is a further label, not a conflict.
      // NOTE: not cached in memory: the request's savepoint may roll this insert back, and a cache
      // would then hide the label for good. The cost (~2 µs) is paid only when the versions differ.
      if (claim.version !== undefined && claim.version !== row.version)
        addVersion.run(row.name, claim.version, claim.digest, at.getTime());
      return { commit };
    },
    digestsBuiltFrom: (commit) =>
      // The artifacts commit-scoped evidence counts for: the same rule as reading it back.
      builtFrom.all(...commitScopeParams(commit)).map((r) => r.digest),
  };
}

function conflictWith(row: ArtifactRow, claim: KnownArtifactClaim): string | undefined {
  const recorded = `${shortDigest(row.digest)} is recorded as ${row.name}${row.commit_sha ? ` (commit ${row.commit_sha})` : ""}`;
  if (row.name !== claim.name) return `${recorded}, not ${claim.name}; a digest never changes its name`;
  if (
    row.commit_sha !== null &&
    claim.commit !== undefined &&
    longer(row.commit_sha, claim.commit) === undefined
  )
    return `${recorded}, not commit ${claim.commit}; a digest never changes its commit`;
  return undefined;
}

/** The more complete of two spellings of one commit, or undefined when they are different commits. */
function longer(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  if (a.startsWith(b)) return a;
  return b.startsWith(a) ? b : undefined;
}

function fillsGap(row: ArtifactRow, claim: KnownArtifactClaim, commit: string | undefined): boolean {
  return (
    (commit ?? null) !== row.commit_sha ||
    (row.version === null && claim.version !== undefined) ||
    (row.repository === null && claim.repository !== undefined) ||
    (row.url === null && claim.url !== undefined)
  );
}

function nulls(claim: KnownArtifactClaim) {
  return {
    version: claim.version ?? null,
    commit: claim.commit ?? null,
    repository: claim.repository ?? null,
    url: claim.url ?? null,
  };
}

function toArtifact(row: ArtifactRow): Artifact {
  return {
    name: row.name,
    digest: row.digest,
    version: row.version ?? undefined,
    commit: row.commit_sha ?? undefined,
    repository: row.repository ?? undefined,
    url: row.url ?? undefined,
    firstSeenAt: new Date(row.first_seen_at),
  };
}
