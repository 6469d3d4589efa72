-- 006: what the worklist asks for, found without scanning history.
--
-- Referral steps: only running steps have a due time, so a partial index of
-- them per partner answers "the due steps of the partners I own" with a few
-- rows per partner instead of every referral each partner ever sent.
CREATE INDEX referrals_due_by_partner ON referrals (partner_id, due_at) WHERE due_at IS NOT NULL;

-- Follow-ups: a follow-up is done once a later interaction with that partner
-- exists (docs/api.md, Worklist). follow_up_open keeps that answer on the row,
-- set by triggers in the same transaction as every insert and every change of
-- partner, time or follow-up date, so the worklist reads only the open ones.
ALTER TABLE interactions ADD COLUMN follow_up_open INTEGER NOT NULL DEFAULT 0;
UPDATE interactions SET follow_up_open = 1
  WHERE follow_up_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM interactions j
                    WHERE j.partner_id = interactions.partner_id AND j.occurred_at > interactions.occurred_at);
CREATE INDEX interactions_open_follow_ups ON interactions (user_id, follow_up_at) WHERE follow_up_open = 1;
-- (partner_id, occurred_at) like interactions_by_partner, so the planner
-- takes this far smaller one for the triggers' "open ones before this time".
CREATE INDEX interactions_open_by_partner ON interactions (partner_id, occurred_at) WHERE follow_up_open = 1;

{{sqlite}}
CREATE TRIGGER interactions_follow_up_insert AFTER INSERT ON interactions
BEGIN
  UPDATE interactions SET follow_up_open = 0
    WHERE partner_id = NEW.partner_id AND follow_up_open = 1 AND occurred_at < NEW.occurred_at;
  UPDATE interactions SET follow_up_open = 1
    WHERE id = NEW.id AND follow_up_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM interactions j WHERE j.partner_id = NEW.partner_id AND j.occurred_at > NEW.occurred_at);
END;

CREATE TRIGGER interactions_follow_up_update AFTER UPDATE OF partner_id, occurred_at, follow_up_at ON interactions
BEGIN
  UPDATE interactions SET follow_up_open = (follow_up_at IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM interactions j WHERE j.partner_id = interactions.partner_id AND j.occurred_at > interactions.occurred_at))
    WHERE partner_id IN (OLD.partner_id, NEW.partner_id);
END;
{{end}}

{{postgresql}}
CREATE FUNCTION interactions_follow_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE interactions SET follow_up_open = 0
      WHERE partner_id = NEW.partner_id AND follow_up_open = 1 AND occurred_at < NEW.occurred_at;
    UPDATE interactions SET follow_up_open = 1
      WHERE id = NEW.id AND follow_up_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM interactions j WHERE j.partner_id = NEW.partner_id AND j.occurred_at > NEW.occurred_at);
  ELSE
    UPDATE interactions i SET follow_up_open = CASE WHEN i.follow_up_at IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM interactions j WHERE j.partner_id = i.partner_id AND j.occurred_at > i.occurred_at) THEN 1 ELSE 0 END
      WHERE i.partner_id IN (OLD.partner_id, NEW.partner_id);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER interactions_follow_up_insert AFTER INSERT ON interactions
  FOR EACH ROW EXECUTE FUNCTION interactions_follow_up();
CREATE TRIGGER interactions_follow_up_update AFTER UPDATE OF partner_id, occurred_at, follow_up_at ON interactions
  FOR EACH ROW EXECUTE FUNCTION interactions_follow_up();
{{end}}

-- The expiry job (src/api/jobs.c) looks for referrals left sent or awaiting
-- information past the validity window: by status, then status time.
CREATE INDEX referrals_by_status_at ON referrals (status, status_at);
