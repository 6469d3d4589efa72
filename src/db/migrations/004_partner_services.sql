-- 004: what each side offers (tip 1): services, capacity and wait time.
ALTER TABLE partners ADD COLUMN services_theirs TEXT;
ALTER TABLE partners ADD COLUMN services_ours TEXT;
ALTER TABLE partners ADD COLUMN wait_days INTEGER;
ALTER TABLE partners ADD COLUMN capacity_note TEXT;
