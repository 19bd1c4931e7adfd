-- C-E2: consent records and opt-in changes may be deleted once their retention period after
-- being replaced has ended (the retention task, server/src/retention.rs). The subject's current
-- decision, the newest row, can still never be deleted; updates stay refused.
DROP TRIGGER consent_records_no_delete;

CREATE TRIGGER consent_records_keep_current BEFORE DELETE ON consent_records
WHEN NOT EXISTS (SELECT 1 FROM consent_records n WHERE n.site = OLD.site AND n.consent_id = OLD.consent_id AND n.id > OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'consent_records is append-only: the current decision is kept');
END;

DROP TRIGGER preference_changes_no_delete;

CREATE TRIGGER preference_changes_keep_current BEFORE DELETE ON preference_changes
WHEN NOT EXISTS (SELECT 1 FROM preference_changes n WHERE n.customer_id = OLD.customer_id AND n.purpose = OLD.purpose AND n.id > OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'preference_changes is append-only: the current decision is kept');
END;
