-- 002: referrals — patients, referrals with their clinical packet, the event
-- timeline, appointments, documents, and settings (service levels,
-- checklists). {{id}} is the engine's auto-increment key, {{blob}} its
-- binary type. Times: UTC epoch seconds.

CREATE TABLE patients (
  id {{id}},
  mrn TEXT UNIQUE,
  given TEXT NOT NULL,
  family TEXT NOT NULL,
  birth_date TEXT,
  sex TEXT,
  phone TEXT,
  language TEXT,
  payer TEXT,
  search_key TEXT NOT NULL,        -- text_fold(given family mrn)
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE referrals (
  id {{id}},
  direction TEXT NOT NULL,         -- outbound | inbound
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  patient_id BIGINT NOT NULL REFERENCES patients (id),
  urgency TEXT NOT NULL,
  specialty TEXT,
  care_responsibility TEXT NOT NULL,
  reason TEXT,
  diagnoses TEXT NOT NULL DEFAULT '[]', -- JSON array of dotted ICD-10-CM codes
  history TEXT,
  medications TEXT,
  allergies TEXT,
  results TEXT,
  treatment TEXT,
  question TEXT,
  status TEXT NOT NULL,
  status_at BIGINT NOT NULL,       -- when the status last changed (expiry, reports)
  completeness_score INTEGER NOT NULL DEFAULT 0,
  completeness_override INTEGER NOT NULL DEFAULT 0,
  redirected_from BIGINT REFERENCES referrals (id),
  created_by BIGINT REFERENCES users (id),
  sent_at BIGINT,
  seen_at BIGINT,
  closed_at BIGINT,
  due_step TEXT,                   -- the running service-level step, kept with every change
  due_at BIGINT,
  month INTEGER NOT NULL,          -- 202611: the month it was created, for reports
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX referrals_by_partner ON referrals (partner_id, id);
CREATE INDEX referrals_by_patient ON referrals (patient_id, id);
CREATE INDEX referrals_by_status ON referrals (status, id);
CREATE INDEX referrals_by_due ON referrals (due_at);

CREATE TABLE referral_events (
  id {{id}},
  referral_id BIGINT NOT NULL REFERENCES referrals (id),
  at BIGINT NOT NULL,
  user_id BIGINT REFERENCES users (id),
  on_behalf INTEGER NOT NULL DEFAULT 0,
  from_status TEXT,
  to_status TEXT NOT NULL,
  reason TEXT,
  note TEXT
);
CREATE INDEX referral_events_by_referral ON referral_events (referral_id, id);

CREATE TABLE appointments (
  id {{id}},
  referral_id BIGINT NOT NULL REFERENCES referrals (id),
  starts_at BIGINT NOT NULL,
  status TEXT NOT NULL,            -- booked | rescheduled | cancelled | no_show | attended
  location TEXT,
  note TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX appointments_by_referral ON appointments (referral_id, id);

CREATE TABLE documents (
  id {{id}},
  referral_id BIGINT NOT NULL REFERENCES referrals (id),
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  data {{blob}} NOT NULL,
  uploaded_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL
);
CREATE INDEX documents_by_referral ON documents (referral_id, id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,             -- JSON
  updated_at BIGINT NOT NULL
);
