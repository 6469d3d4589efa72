-- 011: no silent duplicates (issue 12 point 3).
--
-- An identifier (scheme + value) belongs to one partner, archived or not:
-- partner_identifiers holds one row per identifier of every partner, keyed
-- the way service/partner.c keys them (identifier_key() in domain/partner.c:
-- the value without the spaces around it, ASCII letters in capitals), and
-- its unique index refuses a second holder whatever the writer. The rows are
-- written with the partner, in the same transaction.
CREATE TABLE partner_identifiers (
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  scheme TEXT NOT NULL,
  value_key TEXT NOT NULL
);
CREATE UNIQUE INDEX partner_identifiers_unique ON partner_identifiers (scheme, value_key);
CREATE INDEX partner_identifiers_by_partner ON partner_identifiers (partner_id);

-- The partners stored before this migration: each identifier goes to the
-- first partner (lowest id) that has it. A later holder keeps it in its
-- record, and a change to its identifiers is then refused until it gives
-- the other partner's one up (409 conflict).
{{sqlite}}
INSERT INTO partner_identifiers (partner_id, scheme, value_key)
SELECT MIN(p.id), json_extract(j.value, '$.scheme'), upper(trim(json_extract(j.value, '$.value'), ' '))
FROM partners p, json_each(p.identifiers) j
WHERE json_extract(j.value, '$.scheme') IS NOT NULL AND json_extract(j.value, '$.value') IS NOT NULL
GROUP BY json_extract(j.value, '$.scheme'), upper(trim(json_extract(j.value, '$.value'), ' '));
{{end}}
{{postgresql}}
INSERT INTO partner_identifiers (partner_id, scheme, value_key)
SELECT MIN(p.id), j->>'scheme', translate(btrim(j->>'value', ' '), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
FROM partners p, jsonb_array_elements(p.identifiers::jsonb) j
WHERE j->>'scheme' IS NOT NULL AND j->>'value' IS NOT NULL
GROUP BY j->>'scheme', translate(btrim(j->>'value', ' '), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
{{end}}

-- A possible duplicate is a partner with the same folded name (name_key)
-- in the same city: looked up by name_key alone.
CREATE INDEX partners_by_name_key ON partners (name_key);

-- What happened to a partner's record itself: archived, restored. Shown on
-- its timeline (service/relationship.c) beside the audit entry.
CREATE TABLE partner_events (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id),
  kind TEXT NOT NULL,              -- archived, restored
  at BIGINT NOT NULL,
  user_id BIGINT                   -- users.id; 0 or NULL: the system
);
CREATE INDEX partner_events_by_partner ON partner_events (partner_id, at);
