-- why: the evidence store, deployments, snapshots, idempotency keys and the append-only audit ledger.
-- Times are integer milliseconds since the epoch (UTC) so ordering and range scans use indexes.

CREATE TABLE artifacts (
  digest        TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  version       TEXT,
  commit_sha    TEXT,
  repository    TEXT,
  url           TEXT,
  first_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX artifacts_by_name ON artifacts (name, first_seen_at);
CREATE INDEX artifacts_by_first_seen ON artifacts (first_seen_at);
CREATE INDEX artifacts_by_commit ON artifacts (commit_sha) WHERE commit_sha IS NOT NULL;
CREATE INDEX artifacts_by_version ON artifacts (name, version) WHERE version IS NOT NULL;

CREATE TABLE evidence (
  seq           INTEGER PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  digest        TEXT REFERENCES artifacts (digest),
  commit_sha    TEXT,
  kind          TEXT NOT NULL,
  name          TEXT NOT NULL,
  status        TEXT NOT NULL,
  environment   TEXT,
  summary       TEXT NOT NULL DEFAULT '{}',
  url           TEXT,
  details       TEXT,
  observed_at   INTEGER NOT NULL,
  received_at   INTEGER NOT NULL,
  CHECK (digest IS NOT NULL OR commit_sha IS NOT NULL)
);
CREATE INDEX evidence_by_digest ON evidence (digest, kind, name, observed_at) WHERE digest IS NOT NULL;
-- Commit-scoped evidence only (digest IS NULL): it counts for every artifact built from the commit,
-- including artifacts registered after it arrived. Digest-scoped rows keep a copy of the commit too.
CREATE INDEX evidence_by_commit ON evidence (commit_sha, kind, name, observed_at) WHERE digest IS NULL;

CREATE TABLE deployments (
  seq           INTEGER PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  environment   TEXT NOT NULL,
  digest        TEXT NOT NULL REFERENCES artifacts (digest),
  status        TEXT NOT NULL,
  url           TEXT,
  deployed_at   INTEGER NOT NULL,
  received_at   INTEGER NOT NULL
);
CREATE INDEX deployments_by_environment ON deployments (environment, deployed_at, seq);
CREATE INDEX deployments_by_digest ON deployments (digest, environment, deployed_at, seq);
-- "What runs in an environment" is its latest succeeded deployment (SPEC §3.2).
CREATE INDEX deployments_succeeded ON deployments (environment, deployed_at, seq) WHERE status = 'succeeded';

CREATE TABLE snapshots (
  seq           INTEGER PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  environment   TEXT NOT NULL,
  source        TEXT,
  config        TEXT NOT NULL,
  taken_at      INTEGER NOT NULL,
  received_at   INTEGER NOT NULL
);
CREATE INDEX snapshots_by_environment ON snapshots (environment, taken_at, seq);

-- Idempotency keys (X-Tollgate-Delivery, X-GitHub-Delivery): a repeat answers with the first id.
-- Scoped per route, so a CI run may use one key for its evidence and its deployment.
CREATE TABLE deliveries (
  route         TEXT NOT NULL,
  delivery_key  TEXT NOT NULL,
  result_id     TEXT NOT NULL,
  received_at   INTEGER NOT NULL,
  PRIMARY KEY (route, delivery_key)
) WITHOUT ROWID;

-- The audit ledger (SPEC §7): each row carries the SHA-256 of the previous row.
CREATE TABLE audit_log (
  seq           INTEGER PRIMARY KEY,
  at            INTEGER NOT NULL,
  actor         TEXT NOT NULL,
  action        TEXT NOT NULL,
  subject       TEXT NOT NULL,
  data          TEXT NOT NULL DEFAULT '{}',
  prev_hash     TEXT NOT NULL,
  hash          TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
