-- 009: on PostgreSQL, the monthly volume counts (migration 005) of inserted
-- referrals are added once per statement, from the statement's new rows
-- grouped by partner (or specialty), month and direction, instead of two
-- upserts per row: an import's multi-row INSERT of 64 referrals makes two
-- upserts, not 128. The rule is the same (not entered-in-error; no
-- specialty counts as ''). Updates and deletes stay per row (one referral at
-- a time). SQLite keeps its row trigger: the importer drops it for a run and
-- counts in memory, and the API inserts one referral at a time.
{{postgresql}}
CREATE FUNCTION referral_volume_insert_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO referral_volume AS v (partner_id, month, direction, referrals)
    SELECT partner_id, month, direction, COUNT(*) FROM new_rows WHERE status <> 'entered_in_error'
    GROUP BY partner_id, month, direction
    ON CONFLICT (partner_id, month, direction) DO UPDATE SET referrals = v.referrals + excluded.referrals;
  INSERT INTO referral_volume_specialty AS v (specialty, month, direction, referrals)
    SELECT COALESCE(specialty, ''), month, direction, COUNT(*) FROM new_rows WHERE status <> 'entered_in_error'
    GROUP BY COALESCE(specialty, ''), month, direction
    ON CONFLICT (specialty, month, direction) DO UPDATE SET referrals = v.referrals + excluded.referrals;
  RETURN NULL;
END;
$$;
DROP TRIGGER referral_volume_insert ON referrals;
CREATE TRIGGER referral_volume_insert AFTER INSERT ON referrals
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION referral_volume_insert_rows();
{{end}}
