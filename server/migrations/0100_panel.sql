-- The control panel: customers and what is stored about them, sessions, account opt-ins,
-- data-subject requests with their timeline, e-mail verification codes and their rate limits.
-- (The demo mail outbox lives in memory only, so that no code is ever written to disk in clear.)

CREATE TABLE customers (
    id              INTEGER PRIMARY KEY,
    site            TEXT    NOT NULL,
    handle          TEXT    NOT NULL,          -- stable public id within the site (demo login)
    display_name    TEXT    NOT NULL,
    email           TEXT    NOT NULL,          -- lowercase
    plan            TEXT,                      -- the policy's plan id, if the site has plans
    created_at_ms   INTEGER NOT NULL,
    UNIQUE (site, handle)
) STRICT;

CREATE INDEX customers_by_email ON customers (site, email);

-- Account-wide event dates that retention rules count from (trial_end, paid_period_end, ...).
CREATE TABLE customer_events (
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    event           TEXT    NOT NULL,
    date            TEXT    NOT NULL,          -- YYYY-MM-DD
    PRIMARY KEY (customer_id, event)
) STRICT;

-- One stored value per row: (customer, category, field) with the value's own event dates.
CREATE TABLE customer_values (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    category        TEXT    NOT NULL,
    field           TEXT    NOT NULL,
    value           TEXT    NOT NULL,
    events          TEXT    NOT NULL DEFAULT '{}',   -- JSON {event: "YYYY-MM-DD"}
    restricted      INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),  -- legal hold after erasure
    restricted_reason TEXT
) STRICT;

CREATE INDEX customer_values_by_customer ON customer_values (customer_id, id);

-- Sessions: only the SHA-256 of the random 256-bit token is stored.
CREATE TABLE sessions (
    token_hash      BLOB    PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    created_at_ms   INTEGER NOT NULL,
    expires_at_ms   INTEGER NOT NULL
) STRICT;

-- Account opt-ins: every change, append-only (time, policy version shown, source).
CREATE TABLE preference_changes (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    purpose         TEXT    NOT NULL,
    granted         INTEGER NOT NULL CHECK (granted IN (0, 1)),
    policy_version  TEXT    NOT NULL,
    source          TEXT    NOT NULL,          -- control_panel | objection | seed | operator
    changed_at_ms   INTEGER NOT NULL
) STRICT;

CREATE INDEX preference_changes_by_customer ON preference_changes (customer_id, purpose, id);

CREATE TRIGGER preference_changes_no_update BEFORE UPDATE ON preference_changes
BEGIN
    SELECT RAISE(ABORT, 'preference_changes is append-only');
END;

CREATE TRIGGER preference_changes_no_delete BEFORE DELETE ON preference_changes
BEGIN
    SELECT RAISE(ABORT, 'preference_changes is append-only');
END;

-- Data-subject requests (C-C1..C-C7).
CREATE TABLE requests (
    id              TEXT    PRIMARY KEY,       -- random, unguessable
    site            TEXT    NOT NULL,
    customer_id     INTEGER REFERENCES customers (id),  -- NULL until a visitor's e-mail is matched
    email           TEXT,                      -- for visitors who are not logged in (lowercase)
    kind            TEXT    NOT NULL,
    details         TEXT    NOT NULL,          -- canonical JSON of the details
    status          TEXT    NOT NULL,
    received_on     TEXT    NOT NULL,          -- YYYY-MM-DD
    due_on          TEXT    NOT NULL,          -- YYYY-MM-DD
    extended        INTEGER NOT NULL DEFAULT 0 CHECK (extended IN (0, 1)),
    idempotency_key TEXT    NOT NULL,
    body_hash       TEXT    NOT NULL,          -- SHA-256 of who + kind + details, for key reuse
    package         TEXT,                      -- the data package (access/export) once completed
    result          TEXT,                      -- the erasure report etc. once completed
    created_at_ms   INTEGER NOT NULL,
    UNIQUE (site, idempotency_key)
) STRICT;

CREATE INDEX requests_by_customer ON requests (customer_id, created_at_ms);
CREATE INDEX requests_by_status ON requests (site, status);

CREATE TABLE request_events (
    id              INTEGER PRIMARY KEY,
    request_id      TEXT    NOT NULL REFERENCES requests (id),
    status          TEXT    NOT NULL,
    reason          TEXT,
    actor           TEXT    NOT NULL,          -- subject | operator | system
    at_ms           INTEGER NOT NULL
) STRICT;

CREATE INDEX request_events_by_request ON request_events (request_id, id);

-- One-time codes for visitors who are not logged in (C-C3): salted SHA-256, 10 minutes, 5 attempts.
CREATE TABLE verification_codes (
    request_id      TEXT    PRIMARY KEY REFERENCES requests (id),
    salt            BLOB    NOT NULL,
    code_hash       BLOB    NOT NULL,
    expires_at_ms   INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    used            INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
) STRICT;

-- Every code sent, for the rate limits per address and per client IP.
CREATE TABLE code_sends (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL,
    ip              TEXT    NOT NULL,
    at_ms           INTEGER NOT NULL
) STRICT;

CREATE INDEX code_sends_by_email ON code_sends (email, at_ms);
CREATE INDEX code_sends_by_ip ON code_sends (ip, at_ms);

-- Failed code attempts per client IP (a second, address-independent brute-force limit).
CREATE TABLE code_failures (
    id              INTEGER PRIMARY KEY,
    ip              TEXT    NOT NULL,
    at_ms           INTEGER NOT NULL
) STRICT;

CREATE INDEX code_failures_by_ip ON code_failures (ip, at_ms);
