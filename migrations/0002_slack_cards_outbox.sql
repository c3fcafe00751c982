-- why: readiness cards are updated in place (one Slack message per artifact and environment), and every Slack call they need is queued durably so rate limits, outages and restarts lose nothing.

CREATE TABLE slack_cards (
  digest            TEXT NOT NULL,
  environment       TEXT NOT NULL,
  channel           TEXT NOT NULL,
  -- NULL until chat.postMessage answered; updates and thread replies wait for it.
  ts                TEXT,
  last_render_hash  TEXT,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  PRIMARY KEY (digest, environment)
) WITHOUT ROWID;
CREATE INDEX slack_cards_by_environment ON slack_cards (environment, updated_at);

CREATE TABLE slack_outbox (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('post_card', 'update_card', 'thread_reply', 'post_message')),
  -- 'digest|environment' for card calls; calls for one card are sent strictly in id order.
  card_key    TEXT,
  payload     TEXT NOT NULL,
  due_at      INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  rev         INTEGER NOT NULL DEFAULT 0,
  state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'dead')),
  last_error  TEXT,
  created_at  INTEGER NOT NULL,
  done_at     INTEGER
);
CREATE INDEX slack_outbox_pending ON slack_outbox (state, due_at) WHERE state = 'pending';
CREATE INDEX slack_outbox_by_card ON slack_outbox (card_key, id) WHERE state = 'pending';
