-- Proof of consent (C-A8): one row per decision, append-only.
-- Holds exactly what C-A8 lists (no IP address, no user agent), plus the client's
-- Idempotency-Key so that a retried POST is stored once.
CREATE TABLE consent_records (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT    NOT NULL UNIQUE,
    site            TEXT    NOT NULL,
    consent_id      TEXT    NOT NULL,          -- pseudonymous subject id, random, chosen by the widget
    policy_version  TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    action          TEXT    NOT NULL,          -- accept_all | reject_all | custom | gpc | withdraw
    purposes        TEXT    NOT NULL,          -- JSON object {purpose_id: bool}, keys sorted
    origin          TEXT    NOT NULL,
    widget_version  TEXT    NOT NULL,
    gpc             INTEGER NOT NULL CHECK (gpc IN (0, 1)),
    recorded_at_ms  INTEGER NOT NULL           -- server time, UTC, milliseconds since the epoch
) STRICT;

CREATE INDEX consent_records_by_subject ON consent_records (consent_id, id);

CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
BEGIN
    SELECT RAISE(ABORT, 'consent_records is append-only');
END;

CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records
BEGIN
    SELECT RAISE(ABORT, 'consent_records is append-only');
END;

-- Every policy version the server has loaded for a site, so that a record for an
-- earlier version can be told apart from one for a version that never existed.
CREATE TABLE site_policy_versions (
    site                TEXT    NOT NULL,
    version             TEXT    NOT NULL,
    first_loaded_at_ms  INTEGER NOT NULL,
    PRIMARY KEY (site, version)
) STRICT;
