-- 003: relationships — the communication log with its edit history, goals,
-- commitments, and the history of pipeline stages. Times: UTC epoch seconds;
-- dates (due_on, target_on) as YYYY-MM-DD text.

ALTER TABLE partners ADD COLUMN source TEXT;          -- event, peer_referral, registry, other
ALTER TABLE partners ADD COLUMN stage_at BIGINT;      -- when the stage last changed

CREATE TABLE partner_stages (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  from_stage TEXT,
  to_stage TEXT NOT NULL,
  at BIGINT NOT NULL,
  user_id BIGINT REFERENCES users (id)
);
CREATE INDEX partner_stages_by_partner ON partner_stages (partner_id, id);

CREATE TABLE interactions (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  contact_id BIGINT REFERENCES contacts (id),
  user_id BIGINT REFERENCES users (id),   -- who of us
  kind TEXT NOT NULL,                      -- call, email, meeting, visit, lunch, event, message
  direction TEXT NOT NULL,                 -- inbound, outbound
  occurred_at BIGINT NOT NULL,
  summary TEXT NOT NULL,
  follow_up_at BIGINT,
  awaiting TEXT,                           -- us, them: a request waiting for an answer
  responded_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX interactions_by_partner ON interactions (partner_id, occurred_at);
CREATE INDEX interactions_by_user ON interactions (user_id, follow_up_at);

CREATE TABLE interaction_versions (
  id {{id}},
  interaction_id BIGINT NOT NULL REFERENCES interactions (id),
  changed_at BIGINT NOT NULL,
  changed_by BIGINT REFERENCES users (id),
  previous TEXT NOT NULL                   -- the record before the change, as JSON
);
CREATE INDEX interaction_versions_by_interaction ON interaction_versions (interaction_id, id);

CREATE TABLE goals (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  side TEXT NOT NULL,                      -- theirs, ours, shared
  title TEXT NOT NULL,
  status TEXT NOT NULL,                    -- open, in_progress, met, dropped
  target_on TEXT,
  notes TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX goals_by_partner ON goals (partner_id, id);

CREATE TABLE commitments (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  referral_id BIGINT REFERENCES referrals (id),
  goal_id BIGINT REFERENCES goals (id),
  owner_id BIGINT REFERENCES users (id),
  promised_by TEXT NOT NULL,               -- us, partner
  title TEXT NOT NULL,
  due_on TEXT NOT NULL,
  status TEXT NOT NULL,                    -- open, done, cancelled
  done_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX commitments_by_owner ON commitments (owner_id, status, due_on);
CREATE INDEX commitments_by_partner ON commitments (partner_id, id);
