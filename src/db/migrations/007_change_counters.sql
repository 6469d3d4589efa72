-- 007: change generations, for what a process may keep in memory between
-- requests (src/api/list_cache.c). 'referral_lists' rises, in the same
-- transaction, with every change to a referral, to a patient's name or to a
-- partner's name: everything a referral list shows. Any process compares it
-- with the generation its copy was built at.
CREATE TABLE change_counters (
  name TEXT PRIMARY KEY,
  n BIGINT NOT NULL
);
INSERT INTO change_counters (name, n) VALUES ('referral_lists', 1);

{{sqlite}}
CREATE TRIGGER referral_lists_insert AFTER INSERT ON referrals
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'referral_lists'; END;
CREATE TRIGGER referral_lists_update AFTER UPDATE ON referrals
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'referral_lists'; END;
CREATE TRIGGER referral_lists_delete AFTER DELETE ON referrals
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'referral_lists'; END;
CREATE TRIGGER referral_lists_patients AFTER UPDATE OF given, family ON patients
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'referral_lists'; END;
CREATE TRIGGER referral_lists_partners AFTER UPDATE OF name ON partners
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'referral_lists'; END;
{{end}}

{{postgresql}}
CREATE FUNCTION referral_lists_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE change_counters SET n = n + 1 WHERE name = 'referral_lists';
  RETURN NULL;
END;
$$;
CREATE TRIGGER referral_lists_referrals AFTER INSERT OR UPDATE OR DELETE ON referrals
  FOR EACH STATEMENT EXECUTE FUNCTION referral_lists_changed();
CREATE TRIGGER referral_lists_patients AFTER UPDATE OF given, family ON patients
  FOR EACH STATEMENT EXECUTE FUNCTION referral_lists_changed();
CREATE TRIGGER referral_lists_partners AFTER UPDATE OF name ON partners
  FOR EACH STATEMENT EXECUTE FUNCTION referral_lists_changed();
{{end}}
