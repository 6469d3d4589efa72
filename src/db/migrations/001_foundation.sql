-- 001: the foundation: partners and contacts, users, sessions, API tokens,
-- sign-in throttling, the audit log. Common SQL for SQLite and PostgreSQL;
-- {{id}} is the engine's auto-increment primary key. Times: UTC epoch seconds.

CREATE TABLE partners (
  id {{id}},
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,          -- text_fold(name): sort order
  search_key TEXT NOT NULL,        -- text_fold(name specialty city): q search
  specialty TEXT,
  specialty_key TEXT,              -- text_fold(specialty): specialty filter
  taxonomy_code TEXT,
  organization TEXT,
  phone TEXT,
  email TEXT,
  addr_line TEXT,
  addr_city TEXT,
  addr_region TEXT,
  addr_postal_code TEXT,
  addr_country TEXT,
  identifiers TEXT NOT NULL DEFAULT '[]', -- JSON array of {scheme,value,issuer,expires_on}
  languages TEXT NOT NULL DEFAULT '[]',  -- JSON array of language tags
  payers TEXT NOT NULL DEFAULT '[]',     -- JSON array of strings
  in_network INTEGER NOT NULL DEFAULT 0,
  stage TEXT NOT NULL,
  owner_id BIGINT,                 -- users.id, checked by the application
  checkin_days INTEGER,
  goals_theirs TEXT,
  goals_ours TEXT,
  notes TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  archived_at BIGINT
);
CREATE INDEX partners_by_name ON partners (archived_at, name_key, id);
CREATE INDEX partners_by_owner ON partners (owner_id);

CREATE TABLE contacts (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  phone TEXT,
  email TEXT,
  preferred_channel TEXT,
  notes TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX contacts_by_partner ON contacts (partner_id, id);

CREATE TABLE users (
  id {{id}},
  email TEXT NOT NULL UNIQUE,      -- stored lower-cased
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  partner_id BIGINT REFERENCES partners (id),
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  disabled_at BIGINT
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,     -- SHA-256 of the cookie value
  user_id BIGINT NOT NULL REFERENCES users (id),
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE, -- SHA-256 of the token
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);

CREATE TABLE signin_failures (
  id {{id}},
  kind TEXT NOT NULL,              -- 'account' (key: email) or 'client' (key: address)
  key TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX signin_failures_by_key ON signin_failures (kind, key, at);

CREATE TABLE audit_log (
  id BIGINT PRIMARY KEY,           -- assigned in order under the write lock
  at BIGINT NOT NULL,
  user_id BIGINT,
  role TEXT,
  action TEXT NOT NULL,
  record_type TEXT,
  record_id BIGINT,
  client TEXT,
  outcome TEXT NOT NULL,
  detail TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
