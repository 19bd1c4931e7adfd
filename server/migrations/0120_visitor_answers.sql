-- A visitor's answer (gaps of the visitor request flow): the page the visitor verified on (the
-- link of the "your answer is ready" mail), and the queue of those mails. A mail is queued in
-- the same transaction as the step that completes or refuses a visitor's request (the operator
-- command runs in its own process) and sent by the server, which marks it sent; it names no data.
ALTER TABLE visitor_status_tokens ADD COLUMN page_url TEXT;

CREATE TABLE visitor_mails (
    id              INTEGER PRIMARY KEY,
    request_id      TEXT    NOT NULL REFERENCES requests (id),
    status          TEXT    NOT NULL,          -- the status announced: completed or refused
    queued_at_ms    INTEGER NOT NULL,
    sent_at_ms      INTEGER
) STRICT;

CREATE INDEX visitor_mails_unsent ON visitor_mails (sent_at_ms, id);
-- Earlier unverified requests of an address are superseded when a new code is asked for.
CREATE INDEX requests_by_email ON requests (site, email, status);
