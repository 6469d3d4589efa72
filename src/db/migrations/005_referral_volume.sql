-- 005: referral volume per month, kept in the same transaction as every
-- write to referrals (by triggers, so no writer can forget it): a partner's
-- 24-month chart reads 48 rows instead of grouping its referrals, and the
-- totals read the per-specialty rows. Volume (domain.md) is referrals created
-- in the period by direction, partner and specialty; entered-in-error ones
-- do not count.
CREATE TABLE referral_volume (
  partner_id BIGINT NOT NULL REFERENCES partners(id),
  month INTEGER NOT NULL,
  direction TEXT NOT NULL,
  referrals BIGINT NOT NULL,
  PRIMARY KEY (partner_id, month, direction)
);
CREATE TABLE referral_volume_specialty (
  specialty TEXT NOT NULL,  -- '' when the referral names none
  month INTEGER NOT NULL,
  direction TEXT NOT NULL,
  referrals BIGINT NOT NULL,
  PRIMARY KEY (specialty, month, direction)
);
CREATE INDEX referral_volume_specialty_month ON referral_volume_specialty (month);

INSERT INTO referral_volume (partner_id, month, direction, referrals)
  SELECT partner_id, month, direction, COUNT(*) FROM referrals
  WHERE status <> 'entered_in_error' GROUP BY partner_id, month, direction;
INSERT INTO referral_volume_specialty (specialty, month, direction, referrals)
  SELECT COALESCE(specialty, ''), month, direction, COUNT(*) FROM referrals
  WHERE status <> 'entered_in_error' GROUP BY COALESCE(specialty, ''), month, direction;

{{sqlite}}
CREATE TRIGGER referral_volume_insert AFTER INSERT ON referrals
WHEN NEW.status <> 'entered_in_error'
BEGIN
  INSERT INTO referral_volume (partner_id, month, direction, referrals)
    VALUES (NEW.partner_id, NEW.month, NEW.direction, 1)
    ON CONFLICT (partner_id, month, direction) DO UPDATE SET referrals = referrals + 1;
  INSERT INTO referral_volume_specialty (specialty, month, direction, referrals)
    VALUES (COALESCE(NEW.specialty, ''), NEW.month, NEW.direction, 1)
    ON CONFLICT (specialty, month, direction) DO UPDATE SET referrals = referrals + 1;
END;

CREATE TRIGGER referral_volume_update AFTER UPDATE ON referrals
WHEN (OLD.status = 'entered_in_error') <> (NEW.status = 'entered_in_error')
  OR OLD.partner_id <> NEW.partner_id OR OLD.month <> NEW.month OR OLD.direction <> NEW.direction
  OR COALESCE(OLD.specialty, '') <> COALESCE(NEW.specialty, '')
BEGIN
  UPDATE referral_volume SET referrals = referrals - 1
    WHERE OLD.status <> 'entered_in_error'
      AND partner_id = OLD.partner_id AND month = OLD.month AND direction = OLD.direction;
  UPDATE referral_volume_specialty SET referrals = referrals - 1
    WHERE OLD.status <> 'entered_in_error'
      AND specialty = COALESCE(OLD.specialty, '') AND month = OLD.month AND direction = OLD.direction;
  INSERT INTO referral_volume (partner_id, month, direction, referrals)
    SELECT NEW.partner_id, NEW.month, NEW.direction, 1 WHERE NEW.status <> 'entered_in_error'
    ON CONFLICT (partner_id, month, direction) DO UPDATE SET referrals = referrals + 1;
  INSERT INTO referral_volume_specialty (specialty, month, direction, referrals)
    SELECT COALESCE(NEW.specialty, ''), NEW.month, NEW.direction, 1 WHERE NEW.status <> 'entered_in_error'
    ON CONFLICT (specialty, month, direction) DO UPDATE SET referrals = referrals + 1;
END;

CREATE TRIGGER referral_volume_delete AFTER DELETE ON referrals
WHEN OLD.status <> 'entered_in_error'
BEGIN
  UPDATE referral_volume SET referrals = referrals - 1
    WHERE partner_id = OLD.partner_id AND month = OLD.month AND direction = OLD.direction;
  UPDATE referral_volume_specialty SET referrals = referrals - 1
    WHERE specialty = COALESCE(OLD.specialty, '') AND month = OLD.month AND direction = OLD.direction;
END;
{{end}}

{{postgresql}}
CREATE FUNCTION referral_volume_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> 'entered_in_error' THEN
    UPDATE referral_volume SET referrals = referrals - 1
      WHERE partner_id = OLD.partner_id AND month = OLD.month AND direction = OLD.direction;
    UPDATE referral_volume_specialty SET referrals = referrals - 1
      WHERE specialty = COALESCE(OLD.specialty, '') AND month = OLD.month AND direction = OLD.direction;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status <> 'entered_in_error' THEN
    INSERT INTO referral_volume AS v (partner_id, month, direction, referrals)
      VALUES (NEW.partner_id, NEW.month, NEW.direction, 1)
      ON CONFLICT (partner_id, month, direction) DO UPDATE SET referrals = v.referrals + 1;
    INSERT INTO referral_volume_specialty AS v (specialty, month, direction, referrals)
      VALUES (COALESCE(NEW.specialty, ''), NEW.month, NEW.direction, 1)
      ON CONFLICT (specialty, month, direction) DO UPDATE SET referrals = v.referrals + 1;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER referral_volume_insert AFTER INSERT ON referrals
  FOR EACH ROW WHEN (NEW.status <> 'entered_in_error') EXECUTE FUNCTION referral_volume_count();
CREATE TRIGGER referral_volume_update AFTER UPDATE ON referrals
  FOR EACH ROW WHEN ((OLD.status = 'entered_in_error') IS DISTINCT FROM (NEW.status = 'entered_in_error')
    OR OLD.partner_id <> NEW.partner_id OR OLD.month <> NEW.month OR OLD.direction <> NEW.direction
    OR COALESCE(OLD.specialty, '') <> COALESCE(NEW.specialty, ''))
  EXECUTE FUNCTION referral_volume_count();
CREATE TRIGGER referral_volume_delete AFTER DELETE ON referrals
  FOR EACH ROW WHEN (OLD.status <> 'entered_in_error') EXECUTE FUNCTION referral_volume_count();
{{end}}
