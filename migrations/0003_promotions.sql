-- why: promotions with their approvals, environment locks, the durable deploy-hook outbox and rollback triggers.
-- Times are integer milliseconds since the epoch (UTC), as in 0001.

CREATE TABLE promotions (
  id                  TEXT PRIMARY KEY,
  kind                TEXT NOT NULL DEFAULT 'promotion' CHECK (kind IN ('promotion', 'rollback')),
  artifact_name       TEXT NOT NULL,
  digest              TEXT NOT NULL REFERENCES artifacts (digest),
  from_environment    TEXT,
  environment         TEXT NOT NULL,
  state               TEXT NOT NULL CHECK (state IN
                        ('requested', 'approved', 'deploying', 'deployed', 'rejected', 'expired', 'failed', 'superseded')),
  requested_by        TEXT NOT NULL,
  requested_at        INTEGER NOT NULL,
  reason              TEXT,
  contract_revision   TEXT NOT NULL,
  freeze_override_by  TEXT,
  freeze_override_reason TEXT,
  rollback_of         TEXT REFERENCES promotions (id),
  expires_at          INTEGER,
  state_changed_at    INTEGER NOT NULL,
  detail              TEXT
);
CREATE INDEX promotions_by_environment ON promotions (environment, state, requested_at);
CREATE INDEX promotions_by_digest ON promotions (digest, environment, requested_at);
CREATE INDEX promotions_by_name ON promotions (artifact_name, requested_at);

-- One row per person per promotion: a second click updates it, so distinct approvers are counted
-- by construction. Each row is bound to the digest and contract revision it was given for.
CREATE TABLE approvals (
  promotion_id        TEXT NOT NULL REFERENCES promotions (id),
  user_id             TEXT NOT NULL,
  decision            TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
  digest              TEXT NOT NULL,
  contract_revision   TEXT NOT NULL,
  reason              TEXT,
  at                  INTEGER NOT NULL,
  UNIQUE (promotion_id, user_id)
);

-- environment is an environment name or '*' (the whole line). A lock ends when released or expired.
CREATE TABLE locks (
  id                  INTEGER PRIMARY KEY,
  environment         TEXT NOT NULL,
  reason              TEXT NOT NULL,
  locked_by           TEXT NOT NULL,
  locked_at           INTEGER NOT NULL,
  expires_at          INTEGER,
  released_at         INTEGER,
  released_by         TEXT
);
CREATE INDEX locks_active ON locks (environment) WHERE released_at IS NULL;

-- The deploy hook hand-off (SPEC §3.5). The primary key makes one hand-off per promotion; the body
-- is fixed at enqueue time so every retry sends the same bytes with the same delivery id.
CREATE TABLE deploy_hook_outbox (
  promotion_id        TEXT PRIMARY KEY REFERENCES promotions (id),
  url                 TEXT NOT NULL,
  secret_env          TEXT NOT NULL,
  body                TEXT NOT NULL,
  state               TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'handed_off', 'dead')),
  attempts            INTEGER NOT NULL DEFAULT 0,
  next_attempt_at     INTEGER NOT NULL,
  last_error          TEXT,
  created_at          INTEGER NOT NULL,
  handed_off_at       INTEGER
) WITHOUT ROWID;
CREATE INDEX deploy_hook_outbox_due ON deploy_hook_outbox (next_attempt_at) WHERE state IN ('pending', 'in_flight');

-- A rollback condition fires once per promotion, however many matching health reports follow.
CREATE TABLE rollback_triggers (
  promotion_id        TEXT PRIMARY KEY REFERENCES promotions (id),
  evidence_id         TEXT NOT NULL,
  action              TEXT NOT NULL CHECK (action IN ('propose', 'auto')),
  rollback_promotion_id TEXT REFERENCES promotions (id),
  at                  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX audit_log_by_at ON audit_log (at);
