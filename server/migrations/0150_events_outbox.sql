-- Events for the company's systems (issue 14, C-E3). An event is written to outbox_events in the
-- same transaction as the change it reports; the server fans it out to one delivery per
-- configured endpoint that asked for its type and delivers those with retries. Both survive a
-- restart; several servers on one database each claim rows with a lease (and SKIP LOCKED on
-- PostgreSQL), so every delivery is made by one of them.

CREATE TABLE outbox_events (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT    NOT NULL UNIQUE,   -- webhook-id: the same on every attempt and replay
    site            TEXT    NOT NULL,
    event_type      TEXT    NOT NULL,
    payload         TEXT    NOT NULL,          -- the JSON body exactly as sent (ids and states only)
    created_at_ms   INTEGER NOT NULL,
    fanned_out      INTEGER NOT NULL DEFAULT 0 CHECK (fanned_out IN (0, 1))
) STRICT;

CREATE INDEX outbox_events_to_fan_out ON outbox_events (fanned_out, id);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES outbox_events (id),
    endpoint_url    TEXT    NOT NULL,
    status          TEXT    NOT NULL,          -- pending | delivered | failed | disabled
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at_ms INTEGER NOT NULL,
    lease_until_ms  INTEGER NOT NULL DEFAULT 0,  -- claimed by a server until then
    last_status     INTEGER,                   -- HTTP status of the last attempt
    last_error      TEXT,
    delivered_at_ms INTEGER,
    updated_at_ms   INTEGER NOT NULL,
    UNIQUE (event_id, endpoint_url)
) STRICT;

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at_ms);

-- Endpoints that answered 410 Gone: nothing more is sent to them until the operator changes the URL.
CREATE TABLE webhook_endpoints_disabled (
    site            TEXT    NOT NULL,
    url             TEXT    NOT NULL,
    disabled_at_ms  INTEGER NOT NULL,
    reason          TEXT    NOT NULL,
    PRIMARY KEY (site, url)
) STRICT;

-- request.due_soon and request.overdue are sent once per request and due date.
CREATE TABLE request_reminders (
    request_id      TEXT    NOT NULL REFERENCES requests (id),
    kind            TEXT    NOT NULL,          -- due_soon | overdue
    due_on          TEXT    NOT NULL,
    at_ms           INTEGER NOT NULL,
    PRIMARY KEY (request_id, kind, due_on)
) STRICT;

-- The operator's note on a step taken through the admin API (shown to the operator only).
ALTER TABLE request_events ADD COLUMN note TEXT;

-- Per-system results of a request (admin API): done, not_found, retained (with the items kept
-- and why: the legal holds the customer sees) or failed.
CREATE TABLE request_systems (
    request_id      TEXT    NOT NULL REFERENCES requests (id),
    system          TEXT    NOT NULL,
    status          TEXT    NOT NULL,          -- done | not_found | retained | failed
    retained        TEXT    NOT NULL DEFAULT '[]',  -- JSON [{category, reason, until}]
    note            TEXT,
    updated_at_ms   INTEGER NOT NULL,
    PRIMARY KEY (request_id, system)
) STRICT;

-- What the company adds by hand to an access or export package.
CREATE TABLE request_attachments (
    id              INTEGER PRIMARY KEY,
    request_id      TEXT    NOT NULL REFERENCES requests (id),
    name            TEXT    NOT NULL,
    media_type      TEXT    NOT NULL,
    content         TEXT    NOT NULL,
    created_at_ms   INTEGER NOT NULL
) STRICT;
