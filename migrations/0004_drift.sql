-- why: drift digests are posted once per (environment, scheduled time) — the UNIQUE row is claimed before posting, so a restart or a catch-up never posts twice — and each digest keeps its differences so the next one can say what is new and what was resolved.

CREATE TABLE drift_digest_runs (
  id                INTEGER PRIMARY KEY,
  environment       TEXT NOT NULL,
  compare_to        TEXT NOT NULL,
  scheduled_for     INTEGER NOT NULL,
  claimed_at        INTEGER NOT NULL,
  -- NULL until Slack confirmed the message; a claim left NULL by a crash is not retried (at most once).
  posted_at         INTEGER,
  channel           TEXT NOT NULL,
  ts                TEXT,
  differences_json  TEXT NOT NULL DEFAULT '[]',
  UNIQUE (environment, scheduled_for)
);
CREATE INDEX drift_digest_runs_by_pair ON drift_digest_runs (environment, compare_to, posted_at)
  WHERE posted_at IS NOT NULL;
