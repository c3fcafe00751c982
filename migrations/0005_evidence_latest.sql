-- why: a verdict needs only the newest evidence per (artifact or commit, kind, name, environment) (SPEC §3.1), so readiness reads those few rows instead of an artifact's whole history; a trigger keeps it current for every writer.

-- scope is the digest for digest-scoped rows and the commit for commit-scoped ones; '' stands for
-- "no environment" so the primary key can cover it.
CREATE TABLE evidence_latest (
  scope         TEXT NOT NULL,
  kind          TEXT NOT NULL,
  name          TEXT NOT NULL,
  environment   TEXT NOT NULL,
  seq           INTEGER NOT NULL,
  observed_at   INTEGER NOT NULL,
  PRIMARY KEY (scope, kind, name, environment)
) WITHOUT ROWID;

-- Newest by observed_at, ties by arrival (seq): a late report of an older run changes nothing.
CREATE TRIGGER evidence_latest_on_insert AFTER INSERT ON evidence
BEGIN
  INSERT INTO evidence_latest (scope, kind, name, environment, seq, observed_at)
  VALUES (coalesce(NEW.digest, NEW.commit_sha), NEW.kind, NEW.name, coalesce(NEW.environment, ''), NEW.seq,
          NEW.observed_at)
  ON CONFLICT (scope, kind, name, environment) DO UPDATE SET seq = excluded.seq, observed_at = excluded.observed_at
  WHERE excluded.observed_at > evidence_latest.observed_at
     OR (excluded.observed_at = evidence_latest.observed_at AND excluded.seq > evidence_latest.seq);
END;

INSERT INTO evidence_latest (scope, kind, name, environment, seq, observed_at)
SELECT scope, kind, name, environment, seq, observed_at FROM (
  SELECT coalesce(digest, commit_sha) AS scope, kind, name, coalesce(environment, '') AS environment, seq, observed_at,
         row_number() OVER (PARTITION BY coalesce(digest, commit_sha), kind, name, coalesce(environment, '')
                            ORDER BY observed_at DESC, seq DESC) AS rn
  FROM evidence
) WHERE rn = 1;
