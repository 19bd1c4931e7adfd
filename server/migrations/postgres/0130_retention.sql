-- C-E2: consent records and opt-in changes may be deleted once their retention period after
-- being replaced has ended (the retention task, server/src/retention.rs). The subject's current
-- decision, the newest row, can still never be deleted; updates and TRUNCATE stay refused.
DROP TRIGGER consent_records_no_update ON consent_records;
CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

DROP TRIGGER preference_changes_no_update ON preference_changes;
CREATE TRIGGER preference_changes_no_update BEFORE UPDATE ON preference_changes
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE FUNCTION keep_current_decision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'consent_records' THEN
        IF NOT EXISTS (SELECT 1 FROM consent_records n WHERE n.site = OLD.site AND n.consent_id = OLD.consent_id AND n.id > OLD.id) THEN
            RAISE EXCEPTION 'consent_records is append-only: the current decision is kept' USING ERRCODE = 'restrict_violation';
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM preference_changes n WHERE n.customer_id = OLD.customer_id AND n.purpose = OLD.purpose AND n.id > OLD.id) THEN
        RAISE EXCEPTION 'preference_changes is append-only: the current decision is kept' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER consent_records_keep_current BEFORE DELETE ON consent_records
    FOR EACH ROW EXECUTE FUNCTION keep_current_decision();
CREATE TRIGGER preference_changes_keep_current BEFORE DELETE ON preference_changes
    FOR EACH ROW EXECUTE FUNCTION keep_current_decision();
