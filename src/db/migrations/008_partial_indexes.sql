-- 008: smaller referral indexes, cheaper to keep up to date and to build
-- again after a bulk import (src/io/import_csv.c).
--
-- The expiry job (referrals_expire in src/api/referrals.c) looks only at the
-- referrals waiting for an answer: migration 006's index on (status,
-- status_at) over every referral becomes a partial one over those (what is
-- still sent or awaiting information, a small share of the table). The
-- query repeats the index's condition word for word, so both engines use it.
DROP INDEX referrals_by_status_at;
CREATE INDEX referrals_awaiting_answer ON referrals (status, status_at) WHERE status IN ('sent', 'info_requested');

-- Only open referrals have a due time; every query on it (the worklist, the
-- overdue filter) says due_at IS NOT NULL, so its index can leave the
-- closed ones out, as referrals_due_by_partner (006) does.
DROP INDEX referrals_by_due;
CREATE INDEX referrals_by_due ON referrals (due_at) WHERE due_at IS NOT NULL;
