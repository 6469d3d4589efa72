-- 012: who a referral belongs to (issue 12 point 7). assignee_id is the
-- coordinator or clinician who moves it along; receiving_clinician_id the
-- clinician who will see the patient. Both may be NULL (unassigned). The
-- worklist and the list filters ask by either, so each has an index.
ALTER TABLE referrals ADD COLUMN assignee_id BIGINT REFERENCES users (id);
ALTER TABLE referrals ADD COLUMN receiving_clinician_id BIGINT REFERENCES users (id);
CREATE INDEX referrals_by_assignee ON referrals (assignee_id, id);
CREATE INDEX referrals_by_receiving_clinician ON referrals (receiving_clinician_id, id);

-- A timeline event is a code with parameters, rendered by the UI in the
-- reader's language: kind 'status' (the default: a move, from_status ->
-- to_status) or 'assigned' (params {"as":"assignee"|"receiving_clinician",
-- "from":ID|null,"to":ID|null}; to_status then repeats the referral's
-- status at that time, from_status stays NULL).
ALTER TABLE referral_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'status';
ALTER TABLE referral_events ADD COLUMN params TEXT;

-- Referral lists now show the assignee's and the receiving clinician's
-- names: a renamed user changes them (migration 007's counter).
{{sqlite}}
CREATE TRIGGER referral_lists_users AFTER UPDATE OF name ON users
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'referral_lists'; END;
{{end}}

{{postgresql}}
CREATE TRIGGER referral_lists_users AFTER UPDATE OF name ON users
  FOR EACH STATEMENT EXECUTE FUNCTION referral_lists_changed();
{{end}}
