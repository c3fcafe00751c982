-- why: a deployment report completes a promotion only if it arrived after the approval (approved_at),
-- and a queued deploy hook whose promotion is no longer `approved` is cancelled, never sent.

ALTER TABLE promotions ADD COLUMN approved_at INTEGER;
-- Promotions approved before this migration: the ledger knows when.
UPDATE promotions SET approved_at = (
  SELECT min(a.at) FROM audit_log a WHERE a.action = 'promotion.approved' AND a.subject = promotions.id
);

-- SQLite cannot alter a CHECK constraint: rebuild the outbox with the `cancelled` state.
CREATE TABLE deploy_hook_outbox_next (
  promotion_id        TEXT PRIMARY KEY REFERENCES promotions (id),
  url                 TEXT NOT NULL,
  secret_env          TEXT NOT NULL,
  body                TEXT NOT NULL,
  state               TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'handed_off', 'dead', 'cancelled')),
  attempts            INTEGER NOT NULL DEFAULT 0,
  next_attempt_at     INTEGER NOT NULL,
  last_error          TEXT,
  created_at          INTEGER NOT NULL,
  handed_off_at       INTEGER
) WITHOUT ROWID;
INSERT INTO deploy_hook_outbox_next SELECT promotion_id, url, secret_env, body, state, attempts,
  next_attempt_at, last_error, created_at, handed_off_at FROM deploy_hook_outbox;
DROP TABLE deploy_hook_outbox;
ALTER TABLE deploy_hook_outbox_next RENAME TO deploy_hook_outbox;
CREATE INDEX deploy_hook_outbox_due ON deploy_hook_outbox (next_attempt_at) WHERE state IN ('pending', 'in_flight');
