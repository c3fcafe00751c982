-- why: one digest often carries several versions — built and tested as 1.4.2-rc.1, then released as 1.4.2 without a rebuild, which is the point of promoting the same digest — and `name@1.4.2` must find it. artifacts.version keeps the first version reported; this table holds every one, so a later version is no longer dropped.

CREATE TABLE artifact_versions (
  name          TEXT NOT NULL,
  version       TEXT NOT NULL,
  digest        TEXT NOT NULL REFERENCES artifacts (digest),
  first_seen_at INTEGER NOT NULL,
  PRIMARY KEY (name, version, digest)
) WITHOUT ROWID;

INSERT INTO artifact_versions (name, version, digest, first_seen_at)
SELECT name, version, digest, first_seen_at FROM artifacts WHERE version IS NOT NULL;

-- The version an artifact is registered with is recorded by the database itself, so every writer
-- that inserts artifacts (the intake, a bulk load) keeps the two in step; the intake adds later ones.
CREATE TRIGGER artifact_versions_on_insert AFTER INSERT ON artifacts WHEN NEW.version IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO artifact_versions (name, version, digest, first_seen_at)
  VALUES (NEW.name, NEW.version, NEW.digest, NEW.first_seen_at);
END;

-- `name@version` now reads artifact_versions, whose key starts with the same two columns.
DROP INDEX artifacts_by_version;
